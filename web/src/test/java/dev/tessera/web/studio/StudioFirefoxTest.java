package dev.tessera.web.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.web.server.TesseraServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The studio page in headless Firefox (Debian's {@code firefox-esr}, driven over WebDriver BiDi by
 * {@link BiDiBrowser}): the same flow as {@link StudioBrowserTest} in Chromium. The page lists the models and
 * builds their forms from the server, an image job shows binary previews and its results, a WAV handed to the
 * page's file input is uploaded and vocoded with its audio streamed in one 1 MiB binary message and drawn as a
 * waveform and spectrogram, and a job is cancelled from its card. A screenshot goes to
 * {@code web/target/studio-firefox.png}. Skipped (with the reason) where Firefox is not installed; {@code .ci/run}
 * installs it.
 */
@Tag("browser")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StudioFirefoxTest {

    static final String FIREFOX = "/usr/bin/firefox-esr";

    @TempDir
    static Path models;
    @TempDir
    static Path profile;

    static TesseraServer server;
    static BiDiBrowser firefox;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(new File(FIREFOX).canExecute(), "no " + FIREFOX + ": install Debian's firefox-esr "
                + "(apt-get install -y firefox-esr) to run the Firefox test");
        server = StudioBrowserTest.startServer(models);
        firefox = BiDiBrowser.start(FIREFOX, profile.resolve("profile"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (firefox != null) {
            firefox.close();
        }
        if (server != null) {
            server.stop().await(60, TimeUnit.SECONDS);
        }
    }

    /** JavaScript that sets a form field as typing would, by name, and tells the page. */
    static String set(String model, String name, String value) {
        return "(() => { const e = document.querySelector(\"form[data-model='" + model + "'] [name='" + name + "']\");"
                + " if (e.tagName === 'SELECT') { [...e.options].find(o => o.text === '" + value + "').selected = true; }"
                + " else { e.value = '" + value + "'; }"
                + " e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));"
                + " return true; })()";
    }

    static String click(String css) {
        return "(() => { document.querySelector(\"" + css + "\").click(); return true; })()";
    }

    static long count(String css) throws Exception {
        return ((Number) firefox.eval("document.querySelectorAll(\"" + css + "\").length")).longValue();
    }

    @Test
    void theStudioRunsAnImageJobAVocoderJobAndACancelInFirefox() throws Exception {
        firefox.navigate(server.url() + "/");
        firefox.await("!!document.querySelector(\"form[data-model='image-ar']\") && "
                + "!!document.querySelector(\"form[data-model='vocoder']\") && "
                + "!!document.querySelector(\"#connection[data-state='open']\")", 60);
        // The class choices come from the model's schema, not from the page.
        assertEquals("circle,square,triangle,star,(none)", firefox.eval("[...document.querySelector("
                + "\"form[data-model='image-ar'] [name='class']\").options].map(o => o.text).join(',')"));

        // An image job: previews while it runs, then its images.
        firefox.eval(set("image-ar", "class", "star"));
        firefox.eval(set("image-ar", "count", "2"));
        firefox.eval(set("image-ar", "seed", "7"));
        firefox.eval(set("image-ar", "cfgScale", "1"));
        firefox.eval(click("form[data-model='image-ar'] button.generate"));
        String done = ".job[data-model='image-ar'][data-state='succeeded'] img.result";
        firefox.await("document.querySelectorAll(\"" + done + "\").length === 2", 120);
        long previews = ((Number) firefox.eval("tessera.stats.binaryMessages")).longValue();
        assertTrue(previews >= 1, "binary previews reached Firefox: " + previews);

        // A WAV given to the page's file input (as a user's pick would be), uploaded and vocoded: its audio
        // arrives as one 1 MiB binary message and is drawn.
        int samples = StudioSocketTest.BIG_WINDOW_FRAMES * 256;
        assertEquals(1L, ((Number) firefox.eval("(() => { const n = " + samples + ", sr = 22050;"
                + " const b = new ArrayBuffer(44 + 2 * n), v = new DataView(b);"
                + " const w = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };"
                + " w(0, 'RIFF'); v.setUint32(4, 36 + 2 * n, true); w(8, 'WAVE'); w(12, 'fmt '); v.setUint32(16, 16, true);"
                + " v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, sr, true); v.setUint32(28, 2 * sr, true);"
                + " v.setUint16(32, 2, true); v.setUint16(34, 16, true); w(36, 'data'); v.setUint32(40, 2 * n, true);"
                + " for (let i = 0; i < n; i++) { v.setInt16(44 + 2 * i, Math.round(8000 * Math.sin(2 * Math.PI * 180 * i / sr)), true); }"
                + " const dt = new DataTransfer(); dt.items.add(new File([b], 'tone.wav', {type: 'audio/wav'}));"
                + " const input = document.querySelector(\"form[data-model='vocoder'] [name='input']\");"
                + " input.files = dt.files; input.dispatchEvent(new Event('change', {bubbles: true}));"
                + " return input.files.length; })()")).longValue());
        firefox.eval(set("vocoder", "steps", "1"));
        firefox.eval(set("vocoder", "sampler", "euler"));
        firefox.eval(click("form[data-model='vocoder'] button.generate"));
        String voc = ".job[data-model='vocoder'][data-state='succeeded'][data-drawn='true']";
        firefox.await("!!document.querySelector(\"" + voc + "\")", 150);
        assertEquals(String.valueOf(samples), firefox.eval("document.querySelector(\"" + voc + "\")"
                + ".getAttribute('data-audio-samples')"), "every streamed sample arrived");
        assertEquals((long) (BinaryFrames.HEADER_BYTES + (1 << 20)),
                ((Number) firefox.eval("tessera.stats.largestBinary")).longValue(), "a 1 MiB binary message whole");
        assertEquals(0L, ((Number) firefox.eval("tessera.stats.badHeaders")).longValue());
        assertEquals(2L, count(voc + " canvas"), "waveform and spectrogram");
        long colours = ((Number) firefox.eval("(() => { const c = document.querySelector(\".job[data-model='vocoder']"
                + " canvas.spectrogram\"); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + " const s = new Set(); for (let i = 0; i < d.length; i += 4) s.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);"
                + " return s.size; })()")).longValue();
        assertTrue(colours > 50, "spectrogram colours: " + colours);

        // A job cancelled from its card as soon as it shows (queued or running: either way it ends cancelled).
        firefox.eval(set("image-ar", "count", "8"));
        firefox.eval(set("image-ar", "cfgScale", "3"));
        firefox.eval(click("form[data-model='image-ar'] button.generate"));
        String fresh = "#jobs .job:first-child[data-model='image-ar']:not([data-state='succeeded'])";
        firefox.await("!!document.querySelector(\"" + fresh + " button.cancel\")", 30);
        firefox.eval(click(fresh + " button.cancel"));
        firefox.await("!!document.querySelector(\".job[data-model='image-ar'][data-state='cancelled']\")", 60);

        Path shot = Path.of("target", "studio-firefox.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, firefox.screenshot());
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot.toAbsolutePath());
    }
}
