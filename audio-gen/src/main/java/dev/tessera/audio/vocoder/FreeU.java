package dev.tessera.audio.vocoder;

/**
 * FreeU at inference (audio spec 2.5): in each up block of the U-Net the up-sampled backbone feature
 * is scaled by {@code backbone} and the skip by {@code skip} before they are added. Training always
 * runs with {@link #OFF}. The reference advises against it for the few-step Turbo students.
 *
 * @param backbone scale of the up-sampled feature (1.1 in the spec)
 * @param skip scale of the skip connection (0.9 in the spec)
 */
public record FreeU(double backbone, double skip) {

    public static final FreeU OFF = new FreeU(1.0, 1.0);
    public static final FreeU TEACHER = new FreeU(1.1, 0.9);

    public FreeU {
        if (!(backbone > 0 && skip >= 0) || Double.isInfinite(backbone) || Double.isInfinite(skip)) {
            throw new IllegalArgumentException("FreeU scales must be finite, backbone > 0 and skip >= 0, got "
                    + backbone + " and " + skip);
        }
    }

    public boolean off() {
        return backbone == 1.0 && skip == 1.0;
    }
}
