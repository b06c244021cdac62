package dev.tessera.web.cli;

import dev.tessera.core.engine.Engines;
import dev.tessera.image.serve.ImageGenerator;
import dev.tessera.image.serve.ImageModelExport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tessera export}: installs trained models as the server loads them. {@code image} is a thin
 * adapter over {@link ImageModelExport}: float16 copies of the training exports in
 * {@code <models>/image-tokenizer/} and {@code <models>/image-ar/}, with their model cards.
 */
@Command(name = "export",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        synopsisSubcommandLabel = "KIND",
        header = "Install trained models under models/ in the layout the server loads.",
        description = "Converts what a training run exported into a shipped model (smaller storage, model card kept).",
        commandListHeading = "%nKinds:%n",
        footer = {"", "Example:",
            "  tessera export image --tokenizer models/image-tokenizer --ar models/image-ar-factorized"},
        subcommands = ExportCommand.Image.class)
final class ExportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name what to export: image");
    }

    @Command(name = "image",
            mixinStandardHelpOptions = true,
            versionProvider = TesseraVersion.class,
            header = "Ship the image tokenizer and AR model as float16 into <models>/image-tokenizer and <models>/image-ar.",
            description = {
                "Reads the --export folders of `tessera train image-tokenizer` (lfq-tokenizer.safetensors) and "
                        + "`tessera train image-ar` (image-ar.safetensors), stores every float32 weight as float16 "
                        + "(loading widens them again), copies the model card and other small files, runs both "
                        + "versions on the same random inputs and appends the differences to the card.",
                "A shipped model may take at most 20 MB. When an export folder is its own target (the tokenizer "
                        + "main exports to models/image-tokenizer), the float32 original is first copied to "
                        + "--keep-f32/<folder>, and later exports convert from that copy."},
            footer = {"", "Examples:",
                "  tessera export image --tokenizer models/image-tokenizer --ar models/image-ar-factorized",
                "  tessera export image --ar runs/ar-sweep-3e-4/model --models /srv/tessera/models"})
    static final class Image implements Callable<Integer> {

        @Option(names = "--tokenizer", paramLabel = "DIR",
                description = "Export folder of the tokenizer (holds lfq-tokenizer.safetensors).")
        Path tokenizer;

        @Option(names = "--ar", paramLabel = "DIR",
                description = "Export folder of the AR model to serve (holds image-ar.safetensors), e.g. "
                        + "models/image-ar-factorized.")
        Path ar;

        @Option(names = "--models", defaultValue = "models", paramLabel = "DIR",
                description = "Folder to install into. Default: ${DEFAULT-VALUE}.")
        Path models;

        @Option(names = "--keep-f32", defaultValue = "runs/image-export-f32", paramLabel = "DIR",
                description = "Where a float32 original goes before an in-place conversion. Default: ${DEFAULT-VALUE}.")
        Path keepF32;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (tokenizer == null && ar == null) {
                throw new ParameterException(spec.commandLine(), "name an export to ship: --tokenizer DIR and/or --ar DIR");
            }
            Engines.start();
            List<ImageModelExport.Shipped> shipped;
            try {
                shipped = ImageModelExport.ship(tokenizer, ar, models, keepF32);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            for (ImageModelExport.Shipped s : shipped) {
                ImageModelExport.Converted c = s.converted();
                out.printf(Locale.ROOT, "%s: %s (%.1f MB) -> %s (%.1f MB, F16)%n  %s%n", s.kind(), c.source(),
                        c.sourceBytes() / 1e6, c.target(), c.targetBytes() / 1e6, s.comparison().what());
            }
            if (ImageGenerator.isInstalled(models)) {
                out.printf("installed: `tessera serve --models %s` and `tessera generate image --models %s` use them%n",
                        models, models);
            }
            out.flush();
            return 0;
        }
    }
}
