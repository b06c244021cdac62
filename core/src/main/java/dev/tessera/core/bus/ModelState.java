package dev.tessera.core.bus;

/** Life cycle of a model verticle, as reported by {@code /ready}. */
public enum ModelState {
    LOADING, READY, FAILED, DRAINING;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ModelState fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
