package dev.tessera.image.eval;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Runs evaluation code with libtorch's grad mode off, so that forward passes over weights that require a
 * gradient build no graph. Grad mode is per thread (on in every thread but the one that loaded the
 * engine), so it is switched off for the call and restored afterwards, whatever it was.
 */
public final class NoGradient {

    private NoGradient() {
    }

    public static <T> T call(Supplier<T> body) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }
}
