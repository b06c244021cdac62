/**
 * Serving the image models: {@link dev.tessera.image.serve.ImageGenerator} (the installed AR model and
 * tokenizer, {@code <models>/image-ar/model} and {@code <models>/image-tokenizer/model}, as one generator of
 * token grids, previews and images), {@link dev.tessera.image.serve.ImageRequest} (request params, validated
 * at the boundary), {@link dev.tessera.image.serve.ImageVerticle} on {@code tessera.image.generate} and
 * {@link dev.tessera.image.serve.ImageModelProvider} ({@code image-ar}). {@link
 * dev.tessera.image.serve.TinyImageModels} writes tiny random models in the installed layout for tests.
 */
package dev.tessera.image.serve;
