package dev.tessera.web.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tessera tokenizer train|encode|decode}: subword tokenizers for text, code and MIDI, from the command line. */
@Command(name = "tokenizer",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraVersion.class,
        synopsisSubcommandLabel = "train|encode|decode",
        header = "Train, and encode or decode with, BPE and Unigram tokenizers.",
        description = {
            "Trains byte-level BPE or Unigram tokenizers on a folder of text, source code or MIDI files and "
                    + "writes Hugging Face's tokenizer.json (plus a tokenizer.meta.json side file); encodes a "
                    + "file to token ids and decodes ids back to the exact bytes (or to a MIDI file).",
            "The same files are served by 'tessera serve' from <models>/tokenizers/NAME.json on "
                    + "tessera.tokenizers.encode, .decode and .train."},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Examples:",
            "  tessera tokenizer train --type bpe --vocab 16000 --input data/code/train --out code.json",
            "  tessera tokenizer encode --tokenizer code.json Foo.java > ids.json",
            "  tessera tokenizer decode --tokenizer code.json ids.json > Foo.java"},
        subcommands = {
                TokenizerTrainCommand.class,
                TokenizerEncodeCommand.class,
                TokenizerDecodeCommand.class,
        })
final class TokenizerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing a command: train, encode or decode");
    }
}
