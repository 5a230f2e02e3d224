package dev.rnnport.spark;

import dev.rnnport.UsageException;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.Precision;
import dev.rnnport.nn.RecurrentNetwork;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a column of sequences with a recurrent network (LSTM, GRU, RNN; stacked, bidirectional)
 * from any single-file model rnnport reads, on rnnport's native engine. Each row holds one sequence,
 * {@code array<array<float>>} (or {@code double}) of shape (seq_len, input_size), lengths may differ
 * between rows; the transformer adds the last layer's output per step (both directions concatenated,
 * as PyTorch does), h_n and, for an LSTM, c_n, each {@code array<array<float>>} ({@code double} with
 * precision float64).
 *
 * <pre>{@code
 * Dataset<Row> scored = new RecurrentScorer()
 *         .setModelPath("models/lstm.pt").setInputCol("features").setKeyCol("id")
 *         .transform(sequences);
 * }</pre>
 *
 * <p>The model file is read once on the driver, broadcast, and parsed once per executor JVM
 * ({@link NetworkCache}). A bad row (null, empty or wrongly sized sequence, NaN when refused, a bad
 * length) fails the job with a message naming the row, unless an error column is set: then the row
 * gets null results and the problem in that column. Saved and loaded with pipelines.
 */
public final class RecurrentScorer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> networkName;
    private final Param<String> inputCol;
    private final Param<String> lengthsCol;
    private final Param<String> outputCol;
    private final Param<String> hnCol;
    private final Param<String> cnCol;
    private final Param<String> errorCol;
    private final Param<String> keyCol;
    private final IntParam batchSize;
    private final Param<String> precision;
    private final BooleanParam refuseNaN;
    private final Param<String> batchStrategy;

    public RecurrentScorer() {
        this(Identifiable.randomUID("recurrentScorer"));
    }

    /** The constructor pipelines use to restore a saved scorer. */
    public RecurrentScorer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "the model file (.pt, .onnx, .safetensors, .h5, .keras), any Hadoop path");
        networkName = new Param<>(this, "networkName", "which network, for files holding several (a state-dict prefix, an ONNX node)");
        inputCol = new Param<>(this, "inputCol", "the sequence column, array<array<float>> or array<array<double>>");
        lengthsCol = new Param<>(this, "lengthsCol", "optional int or long column: valid leading steps of each sequence");
        outputCol = new Param<>(this, "outputCol", "per step the last layer's output");
        hnCol = new Param<>(this, "hnCol", "the final hidden state (num_layers*directions, H_out)");
        cnCol = new Param<>(this, "cnCol", "the final LSTM cell state (num_layers*directions, hidden_size)");
        errorCol = new Param<>(this, "errorCol", "optional: a bad row's problem goes here and its results are null, instead of failing");
        keyCol = new Param<>(this, "keyCol", "optional column that names a row in error messages");
        batchSize = new IntParam(this, "batchSize", "sequences per engine call");
        precision = new Param<>(this, "precision", "float32 or float64 arithmetic (and result type)");
        refuseNaN = new BooleanParam(this, "refuseNaN", "whether a NaN or infinite feature makes a row bad");
        batchStrategy = new Param<>(this, "batchStrategy", "padded or equal-length: how sequences of different lengths share a batch");
        setDefault(inputCol, "sequence");
        setDefault(outputCol, "output");
        setDefault(hnCol, "h_n");
        setDefault(cnCol, "c_n");
        setDefault(batchSize, 64);
        setDefault(precision, "float32");
        setDefault(refuseNaN, true);
        setDefault(batchStrategy, BatchStrategy.PADDED.paramValue());
    }

    @Override
    public String uid() {
        return uid;
    }

    // Spark finds a stage's parameters through public no-argument methods returning them.
    public Param<String> modelPath() { return modelPath; }
    public Param<String> networkName() { return networkName; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> lengthsCol() { return lengthsCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> hnCol() { return hnCol; }
    public Param<String> cnCol() { return cnCol; }
    public Param<String> errorCol() { return errorCol; }
    public Param<String> keyCol() { return keyCol; }
    public IntParam batchSize() { return batchSize; }
    public Param<String> precision() { return precision; }
    public BooleanParam refuseNaN() { return refuseNaN; }
    public Param<String> batchStrategy() { return batchStrategy; }

    public RecurrentScorer setModelPath(String v) { set(modelPath, v); return this; }
    public RecurrentScorer setNetworkName(String v) { set(networkName, v); return this; }
    public RecurrentScorer setInputCol(String v) { set(inputCol, v); return this; }
    public RecurrentScorer setLengthsCol(String v) { set(lengthsCol, v); return this; }
    public RecurrentScorer setOutputCol(String v) { set(outputCol, v); return this; }
    public RecurrentScorer setHnCol(String v) { set(hnCol, v); return this; }
    public RecurrentScorer setCnCol(String v) { set(cnCol, v); return this; }
    public RecurrentScorer setErrorCol(String v) { set(errorCol, v); return this; }
    public RecurrentScorer setKeyCol(String v) { set(keyCol, v); return this; }
    public RecurrentScorer setBatchSize(int v) { set(batchSize, v); return this; }
    public RecurrentScorer setPrecision(String v) { set(precision, v); return this; }
    public RecurrentScorer setRefuseNaN(boolean v) { set(refuseNaN, v); return this; }
    public RecurrentScorer setBatchStrategy(String v) { set(batchStrategy, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        return outputSchema(schema, network(ModelBytes.read(required(modelPath), hadoopConf())));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        SparkSession spark = dataset.sparkSession();
        ModelBytes model = ModelBytes.read(required(modelPath), spark.sparkContext().hadoopConfiguration());
        // Loading here too reports a bad model or network name before any task starts; in local mode
        // the driver is the executor and the tasks find this load in the cache.
        RecurrentNetwork net = network(model);
        StructType in = dataset.schema();
        StructType out = outputSchema(in, net);
        Broadcast<ModelBytes> shipped = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        ScoringSettings settings = new ScoringSettings(optional(networkName), in.fieldIndex(getOrDefault(inputCol)),
                index(in, lengthsCol), index(in, keyCol), optional(keyCol), optional(errorCol) != null,
                (Integer) getOrDefault(batchSize), Precision.parse(getOrDefault(precision)),
                (Boolean) getOrDefault(refuseNaN), BatchStrategy.parse(getOrDefault(batchStrategy)));
        return dataset.toDF().mapPartitions(new PartitionScorer(shipped, settings), Encoders.row(out));
    }

    @Override
    public RecurrentScorer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Restores a scorer saved with {@code write().save(path)} or inside a pipeline. */
    public static MLReader<RecurrentScorer> read() {
        return new DefaultParamsReader<>();
    }

    public static RecurrentScorer load(String path) {
        return read().load(path);
    }

    private RecurrentNetwork network(ModelBytes model) {
        return NetworkCache.get(model, optional(networkName));
    }

    /** The input schema checked against the parameters, with the result columns appended. */
    private StructType outputSchema(StructType schema, RecurrentNetwork net) {
        String input = getOrDefault(inputCol);
        DataType type = fieldType(schema, input, "input");
        if (!SequenceRows.isSequence(type)) {
            throw new UsageException("input column '" + input + "' is " + type.simpleString()
                    + ", expected array<array<float>> or array<array<double>> (one feature vector per time step)");
        }
        String lengths = optional(lengthsCol);
        if (lengths != null) {
            DataType lt = fieldType(schema, lengths, "lengths");
            if (lt != DataTypes.IntegerType && lt != DataTypes.LongType) {
                throw new UsageException("lengths column '" + lengths + "' is " + lt.simpleString() + ", expected int or bigint");
            }
        }
        if (optional(keyCol) != null) {
            fieldType(schema, optional(keyCol), "key");
        }
        if ((Integer) getOrDefault(batchSize) < 1) {
            throw new UsageException("batchSize must be at least 1, found " + getOrDefault(batchSize));
        }
        Precision p = Precision.parse(getOrDefault(precision));
        try {
            BatchStrategy.parse(getOrDefault(batchStrategy));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        boolean nullable = optional(errorCol) != null;
        DataType result = SequenceRows.sequenceType(p == Precision.FLOAT32);
        StructType out = add(schema, getOrDefault(outputCol), result, nullable);
        out = add(out, getOrDefault(hnCol), result, nullable);
        if (net.config().cell() == CellKind.LSTM) {
            out = add(out, getOrDefault(cnCol), result, nullable);
        }
        if (nullable) {
            out = add(out, optional(errorCol), DataTypes.StringType, true);
        }
        return out;
    }

    private static StructType add(StructType schema, String name, DataType type, boolean nullable) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new UsageException("column '" + name + "' already exists; choose another name for the result");
        }
        return schema.add(new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty()));
    }

    private static DataType fieldType(StructType schema, String name, String role) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new UsageException(role + " column '" + name + "' not found; the columns are "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(name).dataType();
    }

    private int index(StructType schema, Param<String> p) {
        String name = optional(p);
        return name == null ? -1 : schema.fieldIndex(name);
    }

    private String optional(Param<String> p) {
        return isDefined(p) && !getOrDefault(p).isEmpty() ? getOrDefault(p) : null;
    }

    private String required(Param<String> p) {
        if (!isDefined(p) || getOrDefault(p).isEmpty()) {
            throw new UsageException("RecurrentScorer needs " + p.name() + " to be set");
        }
        return getOrDefault(p);
    }

    private static org.apache.hadoop.conf.Configuration hadoopConf() {
        return SparkSession.active().sparkContext().hadoopConfiguration();
    }
}
