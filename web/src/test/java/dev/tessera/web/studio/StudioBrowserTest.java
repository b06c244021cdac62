package dev.tessera.web.studio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.audio.wav.WavEncoding;
import dev.tessera.audio.wav.WavWriter;
import dev.tessera.image.serve.TinyImageModels;
import dev.tessera.web.api.TinyVocoderModel;
import dev.tessera.web.server.ServerOptions;
import dev.tessera.web.server.TesseraServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The studio page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by
 * Selenium) against a server this test starts with tiny real models: the page lists the models and builds
 * their forms from the server, an image job shows previews and its result, a WAV uploaded from the page is
 * vocoded with its audio streamed in one 1 MiB binary message and drawn as a waveform and spectrogram, and a
 * job is cancelled from its card. A screenshot goes to {@code web/target/studio.png}. Skipped (with the reason)
 * where {@code /usr/bin/chromedriver} is missing; {@code .ci/run} installs it.
 */
@Tag("browser")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StudioBrowserTest {

    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final int SAMPLES = StudioSocketTest.BIG_WINDOW_FRAMES * 256;

    @TempDir
    static Path models;
    @TempDir
    static Path files;

    static TesseraServer server;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(new File(CHROMEDRIVER).canExecute(), "no " + CHROMEDRIVER + ": install Debian's chromium"
                + " and chromium-driver (apt-get install -y chromium chromium-driver) to run the browser test");
        server = startServer(models);
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,1100", "--autoplay-policy=no-user-gesture-required");
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .build(), options);
        driver.manage().window().setSize(new Dimension(1280, 1100));
    }

    /**
     * The server both browser tests drive: tiny real image and vocoder models in {@code models}, a preview after
     * every token, and vocoder windows of 1,024 frames (one 1 MiB binary message per window).
     */
    static TesseraServer startServer(Path models) throws Exception {
        TinyImageModels.write(models, 11, false);
        TinyVocoderModel.write(models, 51);
        Files.writeString(models.resolve("image-ar/serving.json"), "{\"previewEvery\": 1, \"previewIntervalMs\": 0}");
        Files.writeString(models.resolve("vocoder/serving.json"), "{\"streamChunkFrames\": "
                + StudioSocketTest.BIG_WINDOW_FRAMES + ", \"streamContextFrames\": 8}");
        return TesseraServer.start(ServerOptions.local(0, models)).await(180, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.stop().await(60, TimeUnit.SECONDS);
        }
    }

    static WebElement await(String css, int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds)).until(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    static Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    static void set(WebElement input, String value) {
        input.clear();
        input.sendKeys(value);
    }

    @Test
    void theStudioRunsAnImageJobAVocoderJobAndACancelFromThePage() throws Exception {
        driver.get(server.url() + "/");
        WebElement imageForm = await("form[data-model='image-ar']", 30);
        WebElement vocoderForm = await("form[data-model='vocoder']", 30);
        await("#connection[data-state='open']", 30);
        // The class choices come from the model's schema, not from the page.
        List<String> classes = new Select(imageForm.findElement(By.name("class"))).getOptions().stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("circle", "square", "triangle", "star", "(none)"), classes);

        // An image job: previews while it runs, then four images.
        new Select(imageForm.findElement(By.name("class"))).selectByVisibleText("star");
        set(imageForm.findElement(By.name("count")), "4");
        set(imageForm.findElement(By.name("seed")), "7");
        set(imageForm.findElement(By.name("cfgScale")), "1");              // no guidance row: half the work
        imageForm.findElement(By.cssSelector("button.generate")).click();
        await(".job[data-model='image-ar'][data-state='succeeded'] img.result", 120);
        assertEquals(4, driver.findElements(By.cssSelector(".job[data-model='image-ar'][data-state='succeeded'] img.result"))
                .size());
        long previews = ((Number) js("return tessera.stats.binaryMessages")).longValue();
        assertTrue(previews >= 1, "binary previews reached the page: " + previews);

        // A WAV uploaded from the page and vocoded: its audio arrives as one 1 MiB binary message.
        Path wav = files.resolve("tone.wav");
        Files.write(wav, WavWriter.write(TinyVocoderModel.tone(180, SAMPLES, 22_050), 22_050, WavEncoding.PCM_16));
        vocoderForm.findElement(By.name("input")).sendKeys(wav.toAbsolutePath().toString());
        set(vocoderForm.findElement(By.name("steps")), "1");
        new Select(vocoderForm.findElement(By.name("sampler"))).selectByVisibleText("euler");
        vocoderForm.findElement(By.cssSelector("button.generate")).click();
        WebElement voc = await(".job[data-model='vocoder'][data-state='succeeded'][data-drawn='true']", 150);
        assertEquals(String.valueOf(SAMPLES), voc.getAttribute("data-audio-samples"), "every streamed sample arrived");
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) js("return tessera.stats");
        assertEquals((long) (BinaryFrames.HEADER_BYTES + (1 << 20)), ((Number) stats.get("largestBinary")).longValue(),
                "a 1 MiB binary message reached the browser whole: " + stats);
        assertEquals(0L, ((Number) stats.get("badHeaders")).longValue(), stats.toString());
        assertEquals(2, voc.findElements(By.cssSelector("canvas")).size(), "waveform and spectrogram");
        // The spectrogram is drawn from the audio: not one flat colour.
        Number distinct = (Number) js("const c = document.querySelector(\".job[data-model='vocoder'] canvas.spectrogram\");"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; const s = new Set();"
                + "for (let i = 0; i < d.length; i += 4) s.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]); return s.size;");
        assertTrue(distinct.intValue() > 50, "spectrogram colours: " + distinct);

        // A job cancelled from its card as soon as it shows (queued or running: either way it ends cancelled).
        set(imageForm.findElement(By.name("count")), "8");
        set(imageForm.findElement(By.name("cfgScale")), "3");
        imageForm.findElement(By.cssSelector("button.generate")).click();
        WebElement fresh = await("#jobs .job:first-child[data-model='image-ar']:not([data-state='succeeded'])", 30);
        fresh.findElement(By.cssSelector("button.cancel")).click();
        await(".job[data-model='image-ar'][data-state='cancelled']", 60);
        assertEquals(1, driver.findElements(By.cssSelector("#history li img")).size() >= 4 ? 1 : 0,
                "the history lists the image job's results");

        Path shot = Path.of("target", "studio.png");
        Files.createDirectories(shot.getParent());
        File taken = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(taken.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot.toAbsolutePath());
    }
}
