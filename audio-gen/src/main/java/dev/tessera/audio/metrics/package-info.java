/**
 * Audio quality and speed measures (audio spec 6): multi-resolution STFT distance, log-mel L1, F0 RMSE,
 * voiced/unvoiced F1 and periodicity error (TarsosDSP YIN), and the real-time factor.
 */
package dev.tessera.audio.metrics;
