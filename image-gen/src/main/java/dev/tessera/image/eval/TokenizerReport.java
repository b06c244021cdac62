package dev.tessera.image.eval;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reconstruction metrics of an LFQ tokenizer on a set of images (specs/image.md 1.5).
 *
 * @param images images scored
 * @param psnr mean per-image PSNR, dB, on [0, 1] RGB
 * @param ssim mean SSIM (11x11 Gaussian window, sigma 1.5, channels averaged)
 * @param l1 mean absolute error on the training scale [-1, 1] (the reconstruction clipped to it), comparable
 *     to the training loss's L1 term
 * @param codebook how the tokens of these images use the codebook
 */
public record TokenizerReport(int images, double psnr, double ssim, double l1, CodebookStatistics codebook) {

    /** Flat metrics for progress lines and checkpoints: psnr, ssim, l1, usage, coverage, perplexity, maxBitBias. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("psnr", psnr);
        m.put("ssim", ssim);
        m.put("l1", l1);
        m.put("usage", codebook.usage());
        m.put("uniformCoverage", codebook.uniformCoverage());
        m.put("perplexity", codebook.perplexity());
        m.put("maxBitBias", codebook.maxBitBias());
        return m;
    }

    public JsonObject toJson() {
        return new JsonObject().put("images", images).put("psnr", psnr).put("ssim", ssim).put("l1", l1)
                .put("codebook", codebook.toJson());
    }
}
