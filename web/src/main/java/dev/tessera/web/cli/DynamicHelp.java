package dev.tessera.web.cli;

/**
 * A command whose {@code --help} lists what this build contains (bench suites, models), computed when
 * the help is shown rather than written in an annotation. The text goes just before the footer.
 */
interface DynamicHelp {

    /** The extra help text, ending with a line break. */
    String dynamicHelp();
}
