package dev.tessera.web.cli;

import dev.tessera.tokenizers.serving.ServedTokenizer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tessera tokenizer encode}: a file to token ids, printed as one JSON array. */
@Command(name = "encode",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Print a file's token ids as one JSON array.",
        description = {
            "Encodes FILE with the tokenizer and prints its ids as one JSON array on one line. Byte-level "
                    + "tokenizers take any bytes (decode gives them back exactly); Metaspace ones need UTF-8; "
                    + "music tokenizers take a MIDI file. '-' reads standard input."},
        footer = {"", "Examples:",
            "  tessera tokenizer encode --tokenizer code.json src/Main.java > ids.json",
            "  tessera tokenizer encode --tokenizer remi.json song.mid"})
final class TokenizerEncodeCommand implements Callable<Integer> {

    @Option(names = "--tokenizer", required = true, paramLabel = "T.json",
            description = "The tokenizer.json (its .meta.json side file is read when present).")
    Path tokenizer;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to encode; '-' for standard input.")
    String file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServedTokenizer t = ServedTokenizer.read(tokenizer);
        byte[] input = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        int[] ids = t.encode(input);
        StringBuilder sb = new StringBuilder(ids.length * 6 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ",").append(ids[i]);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(sb.append(']'));
        out.flush();
        return 0;
    }
}
