package dev.tessera.web.cli;

import ai.djl.engine.Engine;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * Versions of Tessera and the libraries it runs on, read from the class path without starting the
 * tensor engine ({@code tessera --version}; {@code tessera version} adds the engine's own report).
 */
public final class TesseraVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
            "Tessera " + tessera(),
            "Java " + System.getProperty("java.version") + ", Vert.x " + vertx() + ", DJL " + djl(),
        };
    }

    /** The project version, written into the jar by Maven resource filtering. */
    public static String tessera() {
        try (InputStream in = TesseraVersion.class.getResourceAsStream("tessera.properties")) {
            if (in == null) {
                return "unknown (no tessera.properties on the class path)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    public static String vertx() {
        try (InputStream in = Vertx.class.getClassLoader().getResourceAsStream("META-INF/vertx/vertx-version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    public static String djl() {
        return Engine.getDjlVersion();
    }
}
