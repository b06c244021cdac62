/** The vocoder baseline (audio spec 5): fast Griffin-Lim from the front-end log-mel. */
package dev.tessera.audio.griffinlim;
