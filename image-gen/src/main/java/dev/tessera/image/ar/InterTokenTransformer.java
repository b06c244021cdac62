package dev.tessera.image.ar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.tessera.image.nn.EmbeddingTable;
import dev.tessera.core.nn.FixedShapeBlock;
import dev.tessera.image.nn.TransformerLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * The trunk of both AR models: a causal transformer over {@code [class, tok_1 .. tok_(T-1)]} in raster
 * order, whose output at position t, C_t, carries everything the heads may use to predict token t+1
 * (0-based: output t predicts token t). Class prefix from a {@code (numClasses + 1) x w} table whose last
 * row is the null class; learned absolute positions ({@code (T + 1) x w}); embedding dropout; pre-norm
 * layers. The output is not normalized: the heads (or the intra transformer) norm it.
 */
public final class InterTokenTransformer extends FixedShapeBlock {

    private final ArTrunkConfig config;
    private final EmbeddingTable classes;
    private final EmbeddingTable positions;
    private final List<TransformerLayer> layers = new ArrayList<>();

    public InterTokenTransformer(ArTrunkConfig config) {
        this.config = config;
        this.classes = child("classEmbedding", new EmbeddingTable(config.numClasses() + 1, config.width(), config.initStd()));
        this.positions = child("positionEmbedding", new EmbeddingTable(config.tokens() + 1, config.width(), config.initStd()));
        for (int i = 0; i < config.layers(); i++) {
            layers.add(child("layer" + i, new TransformerLayer(config.width(), config.heads(), config.ffnHidden(),
                    config.dropout(), config.initStd(), config.normEps())));
        }
    }

    public ArTrunkConfig config() {
        return config;
    }

    /**
     * @param classIds {@code (B)} int64 in {@code [0, numClasses]} ({@code numClasses} = null class);
     *     in training each is replaced by the null class with probability {@code classDropout}
     * @param tokenEmbeddings {@code (B, T - 1, w)}: embeddings of tokens 1 .. T-1 (the last token is never input)
     * @return {@code (B, T, w)}: C_t for t = 0 .. T-1
     */
    public NDArray forward(ParameterStore ps, NDArray classIds, NDArray tokenEmbeddings, boolean training) {
        long b = classIds.getShape().get(0);
        long t = tokenEmbeddings.getShape().get(1) + 1;
        if (t > config.tokens() + 1) {
            throw new IllegalArgumentException("sequence of " + t + " positions exceeds the position table of "
                    + (config.tokens() + 1));
        }
        NDArray ids = classIds;
        if (training && config.classDropout() > 0) {
            NDArray drop = classIds.getManager().randomUniform(0f, 1f, new Shape(b)).lt(config.classDropout());
            ids = NDArrays.where(drop, classIds.onesLike().mul(config.nullClass()), classIds);
        }
        NDArray prefix = classes.forward(ps, ids, training).expandDims(1);                        // (B, 1, w)
        NDArray h = NDArrays.concat(new NDList(prefix, tokenEmbeddings), 1);                       // (B, T, w)
        NDArray slots = classIds.getManager().arange(0, (int) t).toType(DataType.INT64, false);
        h = dropout(h.add(positions.forward(ps, slots, training)), config.dropout(), training);
        for (TransformerLayer layer : layers) {
            h = layer.forward(ps, h, training);
        }
        return h;
    }
}
