#!/usr/bin/python3
"""Keras .h5 fixtures in tf.keras 2.x's layout, with float64 references computed in numpy.

There is no Keras or TensorFlow here, so the files are written with h5py exactly as tf.keras 2.x's
`model.save("x.h5")` lays them out (root attributes model_config, keras_version, backend;
model_weights/<layer>/<layer>/<cell>/kernel:0 with layer_names and weight_names attributes), and
the references follow Keras's own equations, written from keras/layers/rnn/lstm.py, gru.py,
simple_rnn.py, bidirectional.py and backend.rnn:

  LSTM: z = x @ kernel + h @ recurrent_kernel + bias, split i f c o;
        i, f, o = recurrent_activation(.), c' = f*c + i*activation(z_c), h' = o*activation(c')
  GRU reset_after=True: x_z, x_r, x_h = x @ kernel + bias[0]; r_z, r_r, r_h = h @ recurrent_kernel + bias[1];
        z = ra(x_z + r_z), r = ra(x_r + r_r), hh = a(x_h + r * r_h)
  GRU reset_after=False: x_* = x @ kernel + bias; z, r as above without bias[1];
        hh = a(x_h + (r*h) @ recurrent_kernel[:, 2H:]);  both: h' = z*h + (1-z)*hh
  SimpleRNN: h' = a(x @ kernel + bias + h @ recurrent_kernel)
  masking (backend.rnn): at a masked step the output is the previous output (zeros before the
        first valid step), or zeros when zero_output_for_mask (Bidirectional with
        return_sequences=True forces it); the states keep their old values.
  go_backwards: the layer reads the reversed sequence (and reversed mask) and hands on its outputs
        in that reversed order; Bidirectional reverses the backward outputs back.

Each case folder holds model.h5, input.npy (N, T, I) float32, and the references in rnnport's IR
shapes: output.npy (N, T, D*H) with the backward direction aligned to the input steps (PyTorch's
concatenation), h_n.npy and c_n.npy (D*layers, N, H); keras_output.npy is what the last Keras layer
hands on (merged, or reversed for go_backwards); mask.npy (N, T) where the case masks steps.
References are float64; weights and inputs are float32 values.

Run from the repository root: /usr/bin/python3 testmodels/generate/make_keras_files.py
"""
import json
import os
import shutil

import h5py
import numpy as np

OUT = os.path.join("testmodels", "keras", "generated")
BAD = os.path.join("testmodels", "keras", "bad")
KERAS_VERSION = "2.15.0"
RNG = np.random.default_rng(20261202)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


ACTS = {
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "relu": lambda x: np.maximum(x, 0.0),
    "linear": lambda x: x,
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0),          # Keras 1 and 2
    "hard_sigmoid_keras3": lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),   # Keras 3: relu6(x + 3) / 6
}


def f32(a):
    return np.asarray(a, dtype=np.float32)


def weights(kind, units, inp, use_bias=True, reset_after=True):
    g = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[kind]
    w = {"kernel": f32(RNG.uniform(-0.6, 0.6, (inp, g * units))),
         "recurrent_kernel": f32(RNG.uniform(-0.6, 0.6, (units, g * units)))}
    if use_bias:
        shape = (2, g * units) if kind == "GRU" and reset_after else (g * units,)
        w["bias"] = f32(RNG.uniform(-0.4, 0.4, shape))
    return w


# ---- one cell step, float64 -------------------------------------------------------------------

def step(spec, w, x, states):
    k = w["kernel"].astype(np.float64)
    rk = w["recurrent_kernel"].astype(np.float64)
    b = w.get("bias")
    b = None if b is None else b.astype(np.float64)
    act = ACTS[spec["activation"]]
    h = states[0]
    H = spec["units"]
    if spec["kind"] == "SimpleRNN":
        z = x @ k + h @ rk + (0 if b is None else b)
        out = act(z)
        return out, [out]
    ract = ACTS[spec["recurrent_activation"]]
    if spec["kind"] == "LSTM":
        c = states[1]
        z = x @ k + h @ rk + (0 if b is None else b)
        i, f, cc, o = (z[:, j * H:(j + 1) * H] for j in range(4))
        i, f, o = ract(i), ract(f), ract(o)
        c2 = f * c + i * act(cc)
        h2 = o * act(c2)
        return h2, [h2, c2]
    # GRU
    if spec["reset_after"]:
        mx = x @ k + (0 if b is None else b[0])
        mi = h @ rk + (0 if b is None else b[1])
        z = ract(mx[:, :H] + mi[:, :H])
        r = ract(mx[:, H:2 * H] + mi[:, H:2 * H])
        hh = act(mx[:, 2 * H:] + r * mi[:, 2 * H:])
    else:
        mx = x @ k + (0 if b is None else b)
        mi = h @ rk[:, :2 * H]
        z = ract(mx[:, :H] + mi[:, :H])
        r = ract(mx[:, H:2 * H] + mi[:, H:2 * H])
        hh = act(mx[:, 2 * H:] + (r * h) @ rk[:, 2 * H:])
    h2 = z * h + (1 - z) * hh
    return h2, [h2]


def run_layer(spec, w, x, mask, go_backwards, zero_output_for_mask):
    """backend.rnn: returns the outputs in processing order (N, T, H) and the final states."""
    n, t, _ = x.shape
    H = spec["units"]
    states = [np.zeros((n, H)) for _ in range(2 if spec["kind"] == "LSTM" else 1)]
    xs = x[:, ::-1] if go_backwards else x
    ms = None if mask is None else (mask[:, ::-1] if go_backwards else mask)
    prev = np.zeros((n, H))
    outs = []
    for s in range(t):
        out, new = step(spec, w, xs[:, s], states)
        if ms is not None:
            m = ms[:, s][:, None]
            out = np.where(m, out, np.zeros_like(out) if zero_output_for_mask else prev)
            new = [np.where(m, a, b) for a, b in zip(new, states)]
        states = new
        prev = out
        outs.append(out)
    return np.stack(outs, axis=1), states


# ---- tf.keras 2.x configs and file layout -----------------------------------------------------

def cell_name(kind):
    return {"LSTM": "lstm_cell", "GRU": "gru_cell", "SimpleRNN": "simple_rnn_cell"}[kind]


def rnn_config(spec, name):
    c = {"name": name, "trainable": True, "dtype": "float32",
         "return_sequences": spec.get("return_sequences", True), "return_state": False,
         "go_backwards": spec.get("go_backwards", False), "stateful": False, "unroll": False,
         "time_major": False, "units": spec["units"], "activation": spec["activation"],
         "use_bias": spec.get("use_bias", True),
         "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                "config": {"seed": None}, "registered_name": None},
         "recurrent_initializer": {"module": "keras.initializers", "class_name": "Orthogonal",
                                   "config": {"gain": 1.0, "seed": None}, "registered_name": None},
         "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                              "registered_name": None},
         "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
         "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
         "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0}
    if spec["kind"] != "SimpleRNN":
        c["recurrent_activation"] = spec["recurrent_activation"]
        c["implementation"] = 2
    if spec["kind"] == "LSTM":
        c["unit_forget_bias"] = True
    if spec["kind"] == "GRU":
        c["reset_after"] = spec["reset_after"]
    return c


def write_model(path, layers, batch_input_shape, keras_version=KERAS_VERSION, name_suffix=":0"):
    """layers: list of (class_name, config, [(weight name, array)]) in model order."""
    cfg_layers = [{"class_name": "InputLayer",
                   "config": {"batch_input_shape": batch_input_shape, "dtype": "float32",
                              "sparse": False, "ragged": False, "name": layers[0][1]["name"] + "_input"}}]
    for cls, c, _ in layers:
        cfg_layers.append({"class_name": cls, "config": c})
    model_config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": cfg_layers},
                    "keras_version": keras_version, "backend": "tensorflow"}
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = keras_version.encode()
        f.attrs["model_config"] = json.dumps(model_config).encode()
        mw = f.create_group("model_weights")
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = keras_version.encode()
        mw.attrs["layer_names"] = np.array([c["name"].encode() for _, c, _ in layers])
        for _, c, ws in layers:
            g = mw.create_group(c["name"])
            names = [n + name_suffix for n, _ in ws]
            g.attrs["weight_names"] = np.array([n.encode() for n in names]) if names else np.array([])
            for n, (_, a) in zip(names, ws):
                g.create_dataset(n, data=a)


def rnn_weight_list(spec, layer_name, w, prefix=None):
    base = (prefix or layer_name) + "/" + cell_name(spec["kind"]) + "/"
    return [(base + k, w[k]) for k in ("kernel", "recurrent_kernel", "bias") if k in w]


def save_case(name, x, output, h_n, c_n=None, keras_output=None, mask=None):
    d = os.path.join(OUT, name)
    np.save(os.path.join(d, "input.npy"), f32(x))
    np.save(os.path.join(d, "output.npy"), output)
    np.save(os.path.join(d, "h_n.npy"), h_n)
    if c_n is not None:
        np.save(os.path.join(d, "c_n.npy"), c_n)
    if keras_output is not None:
        np.save(os.path.join(d, "keras_output.npy"), keras_output)
    if mask is not None:
        np.save(os.path.join(d, "mask.npy"), mask.astype(np.float32))


def new_case(name):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, "model.h5")


def inputs(n, t, i):
    return f32(RNG.uniform(-1.0, 1.0, (n, t, i))).astype(np.float64)


def states_of(finals, kind):
    h = np.stack([s[0] for s in finals])
    c = np.stack([s[1] for s in finals]) if kind == "LSTM" else None
    return h, c


def unidirectional(name, spec, n=3, t=5, i=3, keras_version=KERAS_VERSION, name_suffix=":0", mask=None,
                   extra_before=()):
    path = new_case(name)
    w = weights(spec["kind"], spec["units"], i, spec.get("use_bias", True), spec.get("reset_after", True))
    x = inputs(n, t, i)
    if mask is not None:
        x = np.where(mask[:, :, None], x, 0.0)  # masked steps hold the mask value in every feature
    outs, final = run_layer(spec, w, x, mask, spec.get("go_backwards", False), False)
    aligned = outs[:, ::-1] if spec.get("go_backwards", False) else outs
    lname = spec["kind"].lower() if spec["kind"] != "SimpleRNN" else "simple_rnn"
    layers = list(extra_before) + [(spec["kind"], rnn_config(spec, lname), rnn_weight_list(spec, lname, w))]
    write_model(path, layers, [None, t, i], keras_version, name_suffix)
    h, c = states_of([final], spec["kind"])
    save_case(name, x, aligned, h, c, outs, mask)


def bidirectional(name, spec, merge_mode, n=2, t=4, i=3, mask=None):
    path = new_case(name)
    wf = weights(spec["kind"], spec["units"], i)
    wb = weights(spec["kind"], spec["units"], i)
    x = inputs(n, t, i)
    if mask is not None:
        x = np.where(mask[:, :, None], x, 0.0)
    zero = mask is not None and spec.get("return_sequences", True)  # force_zero_output_for_mask
    fo, ff = run_layer(spec, wf, x, mask, False, zero)
    bo, bf = run_layer(spec, wb, x, mask, True, zero)
    bo_aligned = bo[:, ::-1]
    output = np.concatenate([fo, bo_aligned], axis=-1)
    merged = {"concat": output, "sum": fo + bo_aligned, "mul": fo * bo_aligned,
              "ave": (fo + bo_aligned) / 2, None: np.stack([fo, bo_aligned])}[merge_mode]
    inner = spec["kind"].lower()
    layer_cfg = {"name": "bidirectional", "trainable": True, "dtype": "float32",
                 "layer": {"module": "keras.layers", "class_name": spec["kind"],
                           "config": rnn_config(spec, inner), "registered_name": None},
                 "merge_mode": merge_mode}
    ws = (rnn_weight_list(spec, inner, wf, "bidirectional/forward_" + inner)
          + rnn_weight_list(spec, inner, wb, "bidirectional/backward_" + inner))
    layers = [("Bidirectional", layer_cfg, ws)]
    if mask is not None:
        layers.insert(0, ("Masking", {"name": "masking", "trainable": True, "dtype": "float32", "mask_value": 0.0}, []))
    write_model(path, layers, [None, t, i])
    h, c = states_of([ff, bf], spec["kind"])
    save_case(name, x, output, h, c, merged, mask)


def stacked(name, spec, layers_n=2, n=3, t=5, i=3, mask=None):
    path = new_case(name)
    x = inputs(n, t, i)
    if mask is not None:
        x = np.where(mask[:, :, None], x, 0.0)
    layers = []
    if mask is not None:
        layers.append(("Masking", {"name": "masking", "trainable": True, "dtype": "float32", "mask_value": 0.0}, []))
    finals = []
    cur = x
    for k in range(layers_n):
        w = weights(spec["kind"], spec["units"], cur.shape[-1])
        outs, final = run_layer(spec, w, cur, mask, False, False)
        lname = spec["kind"].lower() + ("" if k == 0 else "_%d" % k)
        layers.append((spec["kind"], rnn_config(spec, lname), rnn_weight_list(spec, lname, w)))
        if k < layers_n - 1:
            layers.append(("Dropout", {"name": "dropout" + ("" if k == 0 else "_%d" % k), "trainable": True,
                                       "dtype": "float32", "rate": 0.25, "noise_shape": None, "seed": None}, []))
        finals.append(final)
        cur = outs
    dense_w = [("dense/kernel", f32(RNG.uniform(-1, 1, (spec["units"], 2)))), ("dense/bias", f32(np.zeros(2)))]
    layers.append(("Dense", {"name": "dense", "trainable": True, "dtype": "float32", "units": 2,
                             "activation": "linear", "use_bias": True}, dense_w))
    write_model(path, layers, [None, t, i])
    h, c = states_of(finals, spec["kind"])
    save_case(name, x, cur, h, c, cur, mask)


def masks(n, t):
    m = np.ones((n, t), dtype=bool)
    m[0, 2] = False            # a gap in the middle
    m[1, 0:2] = False          # masked at the start
    if n > 2:
        m[2, :] = False        # a fully masked sample
    if n > 3:
        m[3, t - 1] = False    # masked at the end
    return m


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.rmtree(BAD, ignore_errors=True)
    os.makedirs(OUT)
    os.makedirs(BAD)
    lstm = {"kind": "LSTM", "units": 4, "activation": "tanh", "recurrent_activation": "sigmoid"}
    gru_after = {"kind": "GRU", "units": 4, "activation": "tanh", "recurrent_activation": "sigmoid", "reset_after": True}
    gru_before = dict(gru_after, reset_after=False)
    unidirectional("gru_reset_after", gru_after)
    unidirectional("gru_reset_before", gru_before)
    unidirectional("gru_reset_before_hard_sigmoid", dict(gru_before, recurrent_activation="hard_sigmoid"))
    unidirectional("lstm_go_backwards", dict(lstm, go_backwards=True))
    unidirectional("lstm_no_bias_no_suffix", dict(lstm, use_bias=False), name_suffix="")
    unidirectional("simple_rnn_relu", {"kind": "SimpleRNN", "units": 5, "activation": "relu"})
    unidirectional("lstm_linear_activation", dict(lstm, activation="linear", recurrent_activation="hard_sigmoid"))
    # Keras 3's hard_sigmoid: the same config word, another function (read from keras_version).
    spec3 = dict(lstm, recurrent_activation="hard_sigmoid")
    path = new_case("lstm_hard_sigmoid_keras3")
    w = weights("LSTM", 4, 3)
    x = inputs(3, 5, 3) * 4.0  # large enough that the two hard_sigmoids differ
    outs, final = run_layer(dict(spec3, recurrent_activation="hard_sigmoid_keras3"), w, x, None, False, False)
    write_model(path, [("LSTM", rnn_config(spec3, "lstm"), rnn_weight_list(spec3, "lstm", w))], [None, 5, 3],
                keras_version="3.6.0", name_suffix="")
    h, c = states_of([final], "LSTM")
    save_case("lstm_hard_sigmoid_keras3", x, outs, h, c, outs)
    for mode in ("concat", "sum", "mul", "ave", None):
        bidirectional("bidirectional_lstm_" + str(mode).lower(), lstm, mode)
    bidirectional("bidirectional_gru_concat", gru_after, "concat")
    stacked("stacked_lstm", lstm, layers_n=3)
    # Masking: steps whose features all equal mask_value 0.0 carry the previous output forward.
    masking = ("Masking", {"name": "masking", "trainable": True, "dtype": "float32", "mask_value": 0.0}, [])
    unidirectional("masked_lstm", lstm, n=4, t=6, mask=masks(4, 6), extra_before=[masking])
    unidirectional("masked_gru", gru_after, n=4, t=6, mask=masks(4, 6), extra_before=[masking])
    unidirectional("masked_lstm_go_backwards", dict(lstm, go_backwards=True), n=4, t=6, mask=masks(4, 6),
                   extra_before=[masking])
    stacked("masked_stacked_lstm", lstm, layers_n=2, n=4, t=6, mask=masks(4, 6))
    # Bidirectional with return_sequences=True zeroes masked steps (force_zero_output_for_mask).
    bidirectional("masked_bidirectional_lstm", lstm, "concat", n=4, t=6, mask=masks(4, 6))

    # Embedding(mask_zero=True) -> LSTM: the network's input is the embedding output, the mask comes from
    # the token ids (0 = padding), so it is given with the run (mask.npy).
    path = new_case("embedding_mask_zero_lstm")
    ids = np.array([[3, 1, 0, 2, 4, 1], [0, 0, 2, 3, 1, 4], [0, 0, 0, 0, 0, 0], [1, 2, 3, 4, 2, 0]])
    table = f32(RNG.uniform(-1, 1, (5, 3)))
    x = table.astype(np.float64)[ids]
    mask = ids != 0
    w = weights("LSTM", 4, 3)
    outs, final = run_layer(lstm, w, x, mask, False, False)
    emb = ("Embedding", {"name": "embedding", "trainable": True, "dtype": "float32", "input_dim": 5, "output_dim": 3,
                         "mask_zero": True, "input_length": None}, [("embedding/embeddings", table)])
    write_model(path, [emb, ("LSTM", rnn_config(lstm, "lstm"), rnn_weight_list(lstm, "lstm", w))], [None, 6])
    h, c = states_of([final], "LSTM")
    save_case("embedding_mask_zero_lstm", x, outs, h, c, outs, mask)
    np.save(os.path.join(OUT, "embedding_mask_zero_lstm", "ids.npy"), ids.astype(np.int64))
    # Two recurrent layers that do not agree (units 4 then 3) are two networks.
    path = new_case("two_networks")
    x = inputs(2, 5, 3)
    w1 = weights("LSTM", 4, 3)
    w2 = weights("LSTM", 3, 4)
    o1, f1 = run_layer(lstm, w1, x, None, False, False)
    spec2 = dict(lstm, units=3)
    o2, f2 = run_layer(spec2, w2, o1, None, False, False)
    write_model(path, [("LSTM", rnn_config(lstm, "lstm"), rnn_weight_list(lstm, "lstm", w1)),
                       ("LSTM", rnn_config(dict(spec2, return_sequences=False), "lstm_1"),
                        rnn_weight_list(spec2, "lstm_1", w2))], [None, 5, 3])
    h, c = states_of([f1], "LSTM")
    save_case("two_networks", x, o1, h, c, o1)  # the references of the first network, lstm
    d = os.path.join(OUT, "two_networks", "lstm_1")
    os.makedirs(d)
    np.save(os.path.join(d, "input.npy"), o1)
    np.save(os.path.join(d, "output.npy"), o2)
    np.save(os.path.join(d, "h_n.npy"), f2[0][None])
    np.save(os.path.join(d, "c_n.npy"), f2[1][None])

    # ---- files that must be refused ----
    w = weights("LSTM", 4, 3)
    w2 = weights("LSTM", 4, 4)
    c1 = rnn_config(lstm, "lstm")
    c2 = rnn_config(lstm, "lstm_1")
    write_model(os.path.join(BAD, "unknown_layer_between.h5"),
                [("LSTM", c1, rnn_weight_list(lstm, "lstm", w)),
                 ("MyAttention", {"name": "my_attention", "trainable": True, "dtype": "float32"}, []),
                 ("LSTM", c2, rnn_weight_list(lstm, "lstm_1", w2))], [None, 5, 3])
    write_model(os.path.join(BAD, "kernel_units_mismatch.h5"),
                [("LSTM", dict(c1, units=5), rnn_weight_list(lstm, "lstm", w))], [None, 5, 3])
    write_model(os.path.join(BAD, "unknown_activation.h5"),
                [("LSTM", dict(c1, activation="swish"), rnn_weight_list(lstm, "lstm", w))], [None, 5, 3])
    good = os.path.join(OUT, "gru_reset_after", "model.h5")
    with open(good, "rb") as f:
        data = f.read()
    with open(os.path.join(BAD, "truncated.h5"), "wb") as f:
        f.write(data[:700])  # the signature and superblock, then nothing
    with open(os.path.join(BAD, "not_hdf5.h5"), "wb") as f:
        f.write(b"this is not an HDF5 file\n" * 4)


if __name__ == "__main__":
    main()
