/**
 * Image data: the Noto emoji set and procedural test shapes, as labelled uint8 images on the host that
 * become {@code (B, 3, 32, 32)} tensors in [-1, 1] one batch at a time.
 *
 * <h2>Emoji data card</h2>
 * <ul>
 *   <li>Source: npm {@code emoji-datasource-google} 16.0.0 (data MIT, Noto images Apache-2.0), fetched by
 *       {@code scripts/fetch-data emoji} ({@code scripts/data/emoji.sh}) into {@code data/emoji/raw}.</li>
 *   <li>3,786 images of 64x64 RGBA: 1,911 emoji and 1,875 skin-tone variants.</li>
 *   <li>Labels: 10 categories (Smileys &amp; Emotion 169, People &amp; Body 2,261, Component 5,
 *       Animals &amp; Nature 159, Food &amp; Drink 131, Travel &amp; Places 218, Activities 85, Objects 264,
 *       Symbols 224, Flags 270) and 99 subcategories.</li>
 *   <li>Resampling ({@link dev.tessera.image.data.RgbImages}): composited on white in sRGB values, 2x2
 *       area average to 32x32, rounded to uint8; scaled by {@code x / 127.5 - 1} when batched.</li>
 *   <li>Held-out split ({@link dev.tessera.image.data.EmojiSplit}): round(10%) of each category, chosen by
 *       a seeded hash of the base emoji's code points, skin-tone variants with their base: 379 held out,
 *       3,407 for training.</li>
 *   <li>Augmentation ({@link dev.tessera.image.data.Augmentation#EMOJI}): horizontal flip (p = 1/2),
 *       integer shift of up to 2 px per axis, white fill; one JOML affine map, exact.</li>
 *   <li>Cache: {@code data/emoji/emoji32.safetensors} (images, category, subcategory, heldOut) and
 *       {@code data/emoji/index.json}, made on first {@link dev.tessera.image.data.EmojiDataset#load}
 *       or by running {@code EmojiDataset <root>}, which prints the counts.</li>
 * </ul>
 *
 * <p>{@link dev.tessera.image.data.ShapesGenerator}: circles, squares and triangles in six colours on
 * white, seeded, for tests that must not download anything.
 */
package dev.tessera.image.data;
