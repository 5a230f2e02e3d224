package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.format.AtomicFiles;
import dev.rnnport.format.FormatWriter;
import dev.rnnport.format.WriteOptions;
import dev.rnnport.format.statedict.PyTorchCompatibility;
import dev.rnnport.format.statedict.StateDictNetworks;
import dev.rnnport.format.torch.pickle.PickleWriter;
import dev.rnnport.nn.CellKind;
import dev.rnnport.nn.NetworkConfig;
import dev.rnnport.nn.RecurrentNetwork;
import dev.rnnport.tensor.DType;
import dev.rnnport.tensor.RawValues;
import dev.rnnport.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a network as torch.save writes {@code module.state_dict()}: a zip with
 * {@code archive/data.pkl}, {@code archive/data/0..}, {@code archive/byteorder} and
 * {@code archive/version}, records stored and 64-byte aligned. The pickle is a
 * {@code collections.OrderedDict} of {@code _rebuild_tensor_v2} tensors over
 * {@code torch.FloatStorage} (or {@code DoubleStorage} for float64 weights), loadable with
 * {@code torch.load(path, weights_only=True)} and {@code nn.LSTM(...).load_state_dict}.
 *
 * <p>Like torch's, the OrderedDict carries {@code _metadata} ({@code {'': {'version': 1}}});
 * rnnport adds an {@code 'rnnport'} entry there with batch_first, dropout and nonlinearity,
 * which PyTorch ignores and {@link TorchReader} reads back, since a state dict has no place for
 * them.
 */
public final class TorchWriter implements FormatWriter {
    static final String FOLDER = "archive";
    /** Python pickles dict items in batches of this many. */
    private static final int BATCH = 1000;

    @Override
    public Optional<String> refusal(RecurrentNetwork network, WriteOptions options) {
        return PyTorchCompatibility.refusal(network);
    }

    @Override
    public void write(RecurrentNetwork network, Path file, WriteOptions options) throws IOException {
        requireCanHold(network, options, file, "pt");
        LinkedHashMap<String, Tensor> stateDict;
        try {
            stateDict = StateDictNetworks.toStateDict(network, "", "pt");
        } catch (ModelException e) {
            throw new ModelException(file + ": " + e.getMessage(), e);
        }
        List<Tensor> tensors = new ArrayList<>(stateDict.values());
        byte[] pickle = pickle(stateDict, network.config());
        AtomicFiles.write(file, out -> {
            try (AlignedZipWriter zip = new AlignedZipWriter(out)) {
                zip.add(FOLDER + "/data.pkl", pickle);
                zip.add(FOLDER + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < tensors.size(); i++) {
                    zip.add(FOLDER + "/data/" + i, values(tensors.get(i)));
                }
                zip.add(FOLDER + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    /** float64 stays float64; every other type is written as float32, as nn modules hold it. */
    private static DType stored(Tensor t) {
        return t.dtype() == DType.F64 ? DType.F64 : DType.F32;
    }

    private static byte[] values(Tensor t) {
        DType d = stored(t);
        ByteBuffer b = ByteBuffer.allocate(t.size() * d.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        RawValues.encode(b, t.data(), d);
        return b.array();
    }

    static byte[] pickle(Map<String, Tensor> stateDict, NetworkConfig config) {
        PickleWriter p = new PickleWriter().proto();
        p.global("collections", "OrderedDict").emptyTuple().reduce();
        p.put("state_dict");
        int i = 0;
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            if (i % BATCH == 0) {
                if (i > 0) {
                    p.setItems();
                }
                p.mark();
            }
            tensor(p, e.getKey(), e.getValue(), i);
            i++;
        }
        if (i > 0) {
            p.setItems();
        }
        p.emptyDict().string("_metadata");
        p.global("collections", "OrderedDict").emptyTuple().reduce();
        p.mark().string("").emptyDict().string("version").integer(1).setItem();
        settings(p, config);
        p.setItems().setItem();
        return p.build().stop().toByteArray();
    }

    /** key, _rebuild_tensor_v2(('storage', torch.FloatStorage, 'i', 'cpu', numel), 0, size, stride, False, OrderedDict()). */
    private static void tensor(PickleWriter p, String key, Tensor t, int index) {
        p.string(key);
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.mark();
        p.mark().string("storage").global("torch", stored(t) == DType.F64 ? "DoubleStorage" : "FloatStorage")
                .string(Integer.toString(index)).string("cpu").integer(t.size()).tuple();
        p.binPersId();
        p.integer(0);
        int[] shape = t.shape();
        List<Long> size = new ArrayList<>();
        List<Long> stride = new ArrayList<>();
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            size.add(0, (long) shape[d]);
            stride.add(0, s);
            s *= shape[d];
        }
        p.intTuple(size).intTuple(stride).bool(false);
        p.global("collections", "OrderedDict").emptyTuple().reduce();
        p.tuple().reduce();
    }

    /** The 'rnnport' entry of _metadata['']: what nn.LSTM/GRU/RNN's constructor takes and a state dict drops. */
    private static void settings(PickleWriter p, NetworkConfig c) {
        p.string("rnnport").emptyDict().mark();
        p.string("batch_first").bool(c.batchFirst());
        if (c.cell().isRnn()) {
            p.string("nonlinearity").string(c.cell() == CellKind.RNN_RELU ? "relu" : "tanh");
        }
        if (c.dropout() > 0) {
            // As text: BINFLOAT is not among the opcodes weights_only=True accepts in PyTorch 1.13.
            p.string("dropout").string(Double.toString(c.dropout()));
        }
        p.setItems();
        p.setItem();
    }
}
