package dev.tessera.web.jobs;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: {@code initdb} in a temporary folder (trust authentication, no
 * fsync), then {@code pg_ctl start} on a free loopback port with its socket in that folder. Uses Debian's
 * {@code /usr/lib/postgresql/<version>/bin}; as root (which PostgreSQL refuses) it runs them as the
 * {@code postgres} user through {@code runuser}. About 2 s to start.
 */
final class PostgresCluster implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresCluster(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The newest installed server's bin folder, if any. */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static PostgresCluster start(Path bin) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("tessera-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresCluster cluster = new PostgresCluster(bin, dir, port, root);
        if (root) {
            cluster.run(List.of("chown", "postgres", dir.toString()), false);
        }
        cluster.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "tessera",
                "--auth=trust", "-E", "UTF8", "--no-sync"), true);
        cluster.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("log").toString(), "-w", "-o", "-p " + port + " -k " + dir
                        + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off", "start"), true);
        return cluster;
    }

    /** A URL for {@code --store}: a fresh database per call, so tests do not see each other's rows. */
    String newDatabase(String name) throws IOException, InterruptedException {
        run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                "tessera", name), true);
        return "postgres://tessera@127.0.0.1:" + port + "/" + name;
    }

    private void run(List<String> command, boolean asOwner) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asOwner && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(dir.resolve("commands.log").toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + Files.readString(dir.resolve("commands.log")));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "stop"), true);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
