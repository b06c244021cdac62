package dev.tessera.distill.turbo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.tessera.audio.mel.MelSpectrogram;
import dev.tessera.audio.vocoder.CounterNoise;
import dev.tessera.audio.vocoder.PeriodWave;
import dev.tessera.audio.vocoder.VocoderConfig;
import dev.tessera.core.engine.Seeds;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubcloningTest {

    private static final int SAMPLES = 8192;

    /** The 4-step Turbo output of {@code model} on a 200 Hz tone's mel, with fixed noise. */
    private static float[] generate(PeriodWave model, NDManager m) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.create(TurboFixtures.tone(200, SAMPLES), new Shape(1, SAMPLES));
            NDArray eps = s.create(CounterNoise.gaussian(3, 0, SAMPLES), new Shape(1, SAMPLES));
            return new TurboGenerator(model, TurboConfig.DEFAULT).generate(MelSpectrogram.hifiGan().logMel(x), eps)
                    .toFloatArray();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private static double relativeError(float[] reference, float[] other) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < reference.length; i++) {
            num += (reference[i] - other[i]) * (double) (reference[i] - other[i]);
            den += reference[i] * (double) reference[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void fullWidthSubcloneReproducesTheTeacherExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave teacher = TurboFixtures.teacher(TurboFixtures.tinyConfig(), m, 11);
            VocoderConfig same = Subcloning.studentConfig(teacher.config(), List.of(), List.of());
            PeriodWave student = Subcloning.subclone(teacher, same, m);
            assertArrayEquals(generate(teacher, m), generate(student, m), 0f);
        }
    }

    /**
     * Dropping a quarter of the widest levels' channels keeps the output near the teacher's, and much nearer
     * than a fresh network of the student's shape; keeping the largest-norm channels beats keeping the others.
     */
    @Test
    void narrowerSubcloneStaysCloseToTheTeacherOnATone() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave teacher = TurboFixtures.teacher(TurboFixtures.tinyConfig(), m, 11);
            VocoderConfig narrow = Subcloning.studentConfig(teacher.config(), List.of(4, 8, 6, 12), List.of());
            float[] reference = generate(teacher, m);
            double subcloned = relativeError(reference, generate(Subcloning.subclone(teacher, narrow, m), m));
            Seeds.seedAll(12);
            double scratch = relativeError(reference, generate(new PeriodWave(narrow).initialize(m), m));
            System.out.printf("subclone relative error %.4f, from scratch %.4f%n", subcloned, scratch);
            assertTrue(subcloned < 0.5, "subcloned student's relative error " + subcloned);
            assertTrue(subcloned < 0.5 * scratch, "subclone " + subcloned + " vs scratch " + scratch);
        }
    }

    @Test
    void fewerPeriodsDropTheirBranchesAndKeepTheRest() {
        try (NDManager m = NDManager.newBaseManager()) {
            PeriodWave teacher = TurboFixtures.teacher(TurboFixtures.tinyConfig(), m, 11);
            VocoderConfig three = Subcloning.studentConfig(teacher.config(), List.of(), List.of(1, 2, 5));
            PeriodWave student = Subcloning.subclone(teacher, three, m);
            assertEquals(List.of(1, 2, 5), student.config().periods());
            float[] reference = generate(teacher, m);
            double error = relativeError(reference, generate(student, m));
            System.out.printf("3-period subclone relative error %.4f%n", error);
            assertTrue(error < 0.5, "3 of 5 periods: relative error " + error);
        }
    }

    @Test
    void semanticNamesDropDjlChildIndices() {
        assertEquals("up2_conv_weight", Subcloning.semantic("29up2_01conv_weight"));
        assertEquals("encoder_block0_depthwise_weight", Subcloning.semantic("02encoder_block0_01depthwise_weight"));
        assertEquals("period_embedding", Subcloning.semantic("period_embedding"));
    }

    @Test
    void widerStudentsAndForeignPeriodsAreRefused() {
        VocoderConfig t = TurboFixtures.tinyConfig();
        assertThrows(IllegalArgumentException.class, () -> Subcloning.studentConfig(t, List.of(4, 8, 8, 32), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Subcloning.studentConfig(t, List.of(), List.of(1, 11)));
    }
}
