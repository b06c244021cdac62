package dev.tessera.web.cli;

import dev.tessera.tokenizers.serving.ServedTokenizer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tessera tokenizer decode}: a JSON array of ids back to bytes, on standard output. */
@Command(name = "decode",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        header = "Write the bytes a JSON array of ids stands for.",
        description = {
            "Reads a JSON array of token ids from IDS.json ('-' for standard input) and writes the bytes they "
                    + "stand for to standard output (or --out): exactly the encoded bytes for byte-level "
                    + "tokenizers, a MIDI file for music tokenizers."},
        footer = {"", "Examples:",
            "  tessera tokenizer decode --tokenizer code.json ids.json > Main.java",
            "  tessera tokenizer decode --tokenizer remi.json ids.json --out song.mid"})
final class TokenizerDecodeCommand implements Callable<Integer> {

    @Option(names = "--tokenizer", required = true, paramLabel = "T.json",
            description = "The tokenizer.json (its .meta.json side file is read when present).")
    Path tokenizer;

    @Parameters(index = "0", paramLabel = "IDS.json", description = "A JSON array of ids; '-' for standard input.")
    String idsFile;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the bytes here instead of standard output.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServedTokenizer t = ServedTokenizer.read(tokenizer);
        String json = idsFile.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(idsFile), StandardCharsets.UTF_8);
        int[] ids = parse(json);
        byte[] bytes = t.decode(ids);
        if (out != null) {
            Files.write(out, bytes);
        } else {
            OutputStream stdout = System.out;
            stdout.write(bytes);
            stdout.flush();
        }
        return 0;
    }

    private int[] parse(String json) {
        JsonArray array;
        try {
            array = new JsonArray(json.strip());
        } catch (DecodeException | ClassCastException e) {
            throw new ParameterException(spec.commandLine(), idsFile + " is not a JSON array of ids: " + e.getMessage());
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            Object v = array.getValue(i);
            if (!(v instanceof Number n) || n.doubleValue() != n.intValue()) {
                throw new ParameterException(spec.commandLine(), idsFile + ": element " + i + " is not a whole number: "
                        + v);
            }
            ids[i] = n.intValue();
        }
        return ids;
    }
}
