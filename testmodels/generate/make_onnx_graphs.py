#!/usr/bin/python3
"""Writes the ONNX graphs under testmodels/onnx-graphs/ (see testmodels/onnx-graphs/SOURCE.md).

Run from the repository root with Debian's onnx 1.12 and numpy (`python3-onnx`, `python3-numpy`):

    /usr/bin/python3 testmodels/generate/make_onnx_graphs.py

Each graph reproduces a pattern of ONNX models as they are shipped: recurrent nodes inside the
branches of an If (one per sample rate, as Silero VAD does), in a Loop or Scan body, nested
subgraphs that read an outer initializer, weights computed from initializers by
Unsqueeze/Reshape/Concat/Split/Transpose/Cast chains, float16 and bfloat16 initializers, and
tensors kept in external data files (valid ones written by onnx.save_model, hostile ones edited
afterwards). Every model passes onnx.checker.check_model(full_check=True).

The reference outputs are computed here in numpy float64 from the equations of ONNX's operator
specification (LSTM: gates i, o, f, c; GRU: z, r, h), not by rnnport. For every network the
folder refs/<model>/<network name with '/' as '__'>/ holds input.npy (seq, batch, input), h0.npy,
c0.npy (LSTM) and the expected output.npy (seq, batch, directions*hidden), h_n.npy, c_n.npy in
PyTorch's shapes. cases.json lists them.
"""

import json
import os
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "testmodels" / "onnx-graphs"
RNG = np.random.default_rng(20261202)
CASES = []


# ------------------------------------------------------------------ references from ONNX's equations

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_ref(x, W, R, B, h0, c0):
    """ONNX LSTM, default activations, no peepholes. x [L,N,I]; W [D,4H,I] (i,o,f,c); returns PyTorch shapes."""
    D, G, _ = W.shape
    H = G // 4
    L, N, _ = x.shape
    outs, hs, cs = [], [], []
    for d in range(D):
        w, r = W[d].astype(np.float64), R[d].astype(np.float64)
        b = B[d].astype(np.float64)
        bias = b[:G] + b[G:]
        h, c = h0[d].astype(np.float64), c0[d].astype(np.float64)
        ys = [None] * L
        steps = range(L) if d == 0 else range(L - 1, -1, -1)
        for t in steps:
            z = x[t].astype(np.float64) @ w.T + h @ r.T + bias
            i, o, f, g = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
            ys[t] = h
        outs.append(np.stack(ys))
        hs.append(h)
        cs.append(c)
    return np.concatenate(outs, axis=2), np.stack(hs), np.stack(cs)


def gru_ref(x, W, R, B, h0, linear_before_reset=1):
    """ONNX GRU, default activations. W [D,3H,I] (z,r,h)."""
    D, G, _ = W.shape
    H = G // 3
    L, N, _ = x.shape
    outs, hs = [], []
    for d in range(D):
        w, r = W[d].astype(np.float64), R[d].astype(np.float64)
        wb, rb = B[d][:G].astype(np.float64), B[d][G:].astype(np.float64)
        h = h0[d].astype(np.float64)
        ys = [None] * L
        steps = range(L) if d == 0 else range(L - 1, -1, -1)
        for t in steps:
            xw = x[t].astype(np.float64) @ w.T + wb
            hr = h @ r.T + rb
            zt = sigmoid(xw[:, :H] + hr[:, :H])
            rt = sigmoid(xw[:, H:2 * H] + hr[:, H:2 * H])
            if linear_before_reset:
                n = np.tanh(xw[:, 2 * H:] + rt * hr[:, 2 * H:])
            else:
                n = np.tanh(xw[:, 2 * H:] + (rt * h) @ r[2 * H:].T + rb[2 * H:])
            h = (1 - zt) * n + zt * h
            ys[t] = h
        outs.append(np.stack(ys))
        hs.append(h)
    return np.concatenate(outs, axis=2), np.stack(hs)


def record(model_file, network, cell, x, h0, expected, c0=None):
    """Stores one network's input and expected outputs and lists it in cases.json."""
    folder = OUT / "refs" / Path(model_file).stem / network.replace("/", "__")
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "input.npy", x.astype(np.float32))
    np.save(folder / "h0.npy", h0.astype(np.float32))
    if c0 is not None:
        np.save(folder / "c0.npy", c0.astype(np.float32))
    names = ["output", "h_n", "c_n"]
    for name, value in zip(names, expected):
        np.save(folder / (name + ".npy"), value.astype(np.float32))
    CASES.append({"model": model_file, "network": network, "cell": cell,
                  "refs": str(folder.relative_to(OUT))})


def rand(*shape, scale=0.5):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def lstm_weights(I, H, D=1):
    return rand(D, 4 * H, I), rand(D, 4 * H, H), rand(D, 8 * H, scale=0.1)


def gru_weights(I, H, D=1):
    return rand(D, 3 * H, I), rand(D, 3 * H, H), rand(D, 6 * H, scale=0.1)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def ints(name, *values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def const_node(name, array):
    return helper.make_node("Constant", [], [name], name=name + "_const", value=numpy_helper.from_array(np.asarray(array), name))


def vinfo(name, elem, shape):
    """A value's type; shape None stands for a rank-4 Y [seq, directions, batch, hidden] of unknown sizes."""
    if shape is None:
        shape = ["s_" + name, "d_" + name, "b_" + name, "h_" + name]
    return helper.make_tensor_value_info(name, elem, shape)


def save(model, name, **kwargs):
    onnx.checker.check_model(model, full_check=True)
    path = OUT / name
    onnx.save_model(model, str(path), **kwargs)
    return path


def model_of(graph, opset):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make_onnx_graphs.py")
    m.ir_version = 8
    return m


F = TensorProto.FLOAT
L, N, I, H = 5, 2, 4, 3


# ------------------------------------------------------------------ If: one LSTM per sample rate

def if_lstm():
    """Silero VAD's shape: Equal(sr, 16000) chooses a branch, each with its own LSTM.

    then_branch stores its weights as initializers of the branch; else_branch computes them:
    W = Unsqueeze(outer initializer W_2d, axes=[0]), R = Reshape(R_flat, [1, 4H, H]),
    B = Unsqueeze(Concat(Wb, Rb)), initial state sliced from the graph inputs h and c.
    """
    W1, R1, B1 = lstm_weights(I, H)
    W2, R2, B2 = lstm_weights(I, H)
    then_nodes = [helper.make_node("LSTM", ["x", "W_then", "R_then", "B_then", "", "h", "c"],
                                   ["Y_then", "Yh_then", "Yc_then"], name="LSTM_3", hidden_size=H)]
    then_graph = helper.make_graph(then_nodes, "then_branch", [],
                                   [vinfo("Y_then", F, None), vinfo("Yh_then", F, [1, "batch", H]), vinfo("Yc_then", F, [1, "batch", H])],
                                   initializer=[init("W_then", W1), init("R_then", R1), init("B_then", B1)])
    else_nodes = [
        helper.make_node("Unsqueeze", ["W_2d", "axes0"], ["W_else"], name="unsqueeze_W"),
        helper.make_node("Reshape", ["R_flat", "R_shape"], ["R_else"], name="reshape_R"),
        helper.make_node("Concat", ["Wb", "Rb"], ["B_1d"], name="concat_B", axis=0),
        helper.make_node("Unsqueeze", ["B_1d", "axes0"], ["B_else"], name="unsqueeze_B"),
        helper.make_node("LSTM", ["x", "W_else", "R_else", "B_else", "", "h", "c"],
                         ["Y_else", "Yh_else", "Yc_else"], name="LSTM_7", hidden_size=H),
    ]
    else_graph = helper.make_graph(else_nodes, "else_branch", [],
                                   [vinfo("Y_else", F, None), vinfo("Yh_else", F, [1, "batch", H]), vinfo("Yc_else", F, [1, "batch", H])],
                                   initializer=[init("R_flat", R2.reshape(-1)), ints("R_shape", 1, 4 * H, H),
                                                init("Wb", B2[0, :4 * H]), init("Rb", B2[0, 4 * H:])])
    nodes = [
        helper.make_node("Equal", ["sr", "sr16k"], ["is16k"], name="Equal_0"),
        helper.make_node("If", ["is16k"], ["Y", "Y_h", "Y_c"], name="If_0", then_branch=then_graph, else_branch=else_graph),
    ]
    graph = helper.make_graph(nodes, "if_lstm",
                              [vinfo("x", F, ["seq", "batch", I]), vinfo("sr", TensorProto.INT64, []),
                               vinfo("h", F, [1, "batch", H]), vinfo("c", F, [1, "batch", H])],
                              [vinfo("Y", F, None), vinfo("Y_h", F, [1, "batch", H]), vinfo("Y_c", F, [1, "batch", H])],
                              initializer=[ints("sr16k", 16000), init("W_2d", W2[0]), ints("axes0", 0)])
    graph.initializer[0].CopyFrom(numpy_helper.from_array(np.array(16000, dtype=np.int64), "sr16k"))
    save(model_of(graph, 13), "if_lstm.onnx")
    x, h0, c0 = rand(L, N, I, scale=1.0), rand(1, N, H), rand(1, N, H)
    record("if_lstm.onnx", "If_0/then_branch/LSTM_3", "LSTM", x, h0, lstm_ref(x, W1, R1, B1, h0, c0), c0)
    record("if_lstm.onnx", "If_0/else_branch/LSTM_7", "LSTM", x, h0, lstm_ref(x, W2, R2, B2, h0, c0), c0)


# ------------------------------------------------------------------ Loop body with an LSTM

def loop_lstm():
    """A Loop whose body runs a bidirectional LSTM on the outer x with its carried state.

    W is an outer-scope initializer used directly in the body, R a Constant of the body times a
    Constant 1.0 (Mul), B the Transpose of an outer [8H, 2] initializer.
    """
    D = 2
    W, R, B = lstm_weights(I, H, D)
    body_nodes = [
        const_node("R_body", R * 2.0),
        const_node("half", np.array(0.5, dtype=np.float32)),
        helper.make_node("Mul", ["R_body", "half"], ["R_used"], name="scale_R"),
        helper.make_node("Transpose", ["B_cols"], ["B_used"], name="transpose_B", perm=[1, 0]),
        helper.make_node("LSTM", ["x", "W_outer", "R_used", "B_used", "", "h_in", "c0"],
                         ["Y", "Y_h", "Y_c"], name="LSTM_1", hidden_size=H, direction="bidirectional"),
        helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep_going"),
    ]
    body = helper.make_graph(body_nodes, "body",
                             [vinfo("iter", TensorProto.INT64, []), vinfo("cond_in", TensorProto.BOOL, []),
                              vinfo("h_in", F, [D, "batch", H])],
                             [vinfo("cond_out", TensorProto.BOOL, []), vinfo("Y_h", F, [D, "batch", H]),
                              vinfo("Y", F, None)])
    nodes = [helper.make_node("Loop", ["trips", "", "h0"], ["h_final", "Ys"], name="Loop_0", body=body)]
    graph = helper.make_graph(nodes, "loop_lstm",
                              [vinfo("x", F, ["seq", "batch", I]), vinfo("h0", F, [D, "batch", H]),
                               vinfo("c0", F, [D, "batch", H])],
                              [vinfo("h_final", F, [D, "batch", H]), vinfo("Ys", F, ["trips", "seq", D, "batch", H])],
                              initializer=[ints("trips", 2), init("W_outer", W), init("B_cols", B.T.copy())])
    graph.initializer[0].CopyFrom(numpy_helper.from_array(np.array(2, dtype=np.int64), "trips"))
    save(model_of(graph, 13), "loop_lstm.onnx")
    x, h0, c0 = rand(L, N, I, scale=1.0), rand(D, N, H), rand(D, N, H)
    record("loop_lstm.onnx", "Loop_0/body/LSTM_1", "LSTM", x, h0, lstm_ref(x, W, R, B, h0, c0), c0)


# ------------------------------------------------------------------ Scan body with a GRU

def scan_gru():
    """A Scan over chunks whose body runs a GRU; opset 11, so Split and Squeeze take attributes.

    W and R are the two parts of Split(outer initializer WR [1, 3H, I+H], axis=2, split=[I, H]),
    B is Cast(float64 initializer, to=FLOAT), and the GRU's output loses its direction axis with
    Squeeze(axes=[1]).
    """
    W, R, B = gru_weights(I, H)
    body_nodes = [
        helper.make_node("Split", ["WR"], ["W_b", "R_b"], name="split_WR", axis=2, split=[I, H]),
        helper.make_node("Cast", ["B64"], ["B_b"], name="cast_B", to=F),
        helper.make_node("GRU", ["chunk", "W_b", "R_b", "B_b", "", "h_in"], ["Y", "Y_h"], name="GRU_2",
                         hidden_size=H, linear_before_reset=1),
        helper.make_node("Squeeze", ["Y"], ["Y_sq"], name="squeeze_Y", axes=[1]),
        helper.make_node("Identity", ["Y_h"], ["h_out"], name="carry_h"),
    ]
    body = helper.make_graph(body_nodes, "body",
                             [vinfo("h_in", F, [1, "batch", H]), vinfo("chunk", F, ["seq", "batch", I])],
                             [vinfo("h_out", F, [1, "batch", H]), vinfo("Y_sq", F, ["seq", "batch", H])])
    nodes = [helper.make_node("Scan", ["h0", "chunks"], ["h_final", "Ys"], name="Scan_0", body=body,
                              num_scan_inputs=1)]
    graph = helper.make_graph(nodes, "scan_gru",
                              [vinfo("h0", F, [1, "batch", H]), vinfo("chunks", F, ["chunks", "seq", "batch", I])],
                              [vinfo("h_final", F, [1, "batch", H]), vinfo("Ys", F, ["chunks", "seq", "batch", H])],
                              initializer=[init("WR", np.concatenate([W, R], axis=2)), init("B64", B.astype(np.float64))])
    save(model_of(graph, 11), "scan_gru.onnx")
    x, h0 = rand(L, N, I, scale=1.0), rand(1, N, H)
    record("scan_gru.onnx", "Scan_0/body/GRU_2", "GRU", x, h0, gru_ref(x, W, R, B, h0))


# ------------------------------------------------------------------ nested: If > Loop > LSTM, outer initializer

def nested():
    """An If whose then_branch holds a Loop whose body holds an LSTM.

    The LSTM's W is the top-level initializer W_top (two scopes up), R comes from a Constant of the
    If branch (one scope up) through Identity, and B is Expand(zeros [1, 1], [1, 8H]) + B_rows
    (a Constant of the body), so folding broadcasts. The else_branch has an RNN whose weights are
    Gather(stack, 1) of an outer initializer holding three candidates.
    """
    W, R, B = lstm_weights(I, H)
    stack_W = rand(3, 1, H, I)
    stack_R = rand(3, 1, H, H)
    body_nodes = [
        helper.make_node("Identity", ["R_branch"], ["R_id"], name="id_R"),
        const_node("zeros11", np.zeros((1, 1), dtype=np.float32)),
        const_node("B_shape", np.array([1, 8 * H], dtype=np.int64)),
        helper.make_node("Expand", ["zeros11", "B_shape"], ["B_zero"], name="expand_B"),
        const_node("B_rows", B),
        helper.make_node("Add", ["B_zero", "B_rows"], ["B_sum"], name="add_B"),
        helper.make_node("LSTM", ["x", "W_top", "R_id", "B_sum", "", "h_in", "c"],
                         ["Y", "Y_h", "Y_c"], name="LSTM_2", hidden_size=H),
        helper.make_node("Identity", ["cond_in"], ["cond_out"], name="keep_going"),
    ]
    body = helper.make_graph(body_nodes, "body",
                             [vinfo("iter", TensorProto.INT64, []), vinfo("cond_in", TensorProto.BOOL, []),
                              vinfo("h_in", F, [1, "batch", H])],
                             [vinfo("cond_out", TensorProto.BOOL, []), vinfo("Y_h", F, [1, "batch", H])])
    then_nodes = [
        const_node("R_branch", R),
        helper.make_node("Loop", ["trips", "", "h"], ["h_then"], name="Loop_1", body=body),
    ]
    then_graph = helper.make_graph(then_nodes, "then_branch", [], [vinfo("h_then", F, [1, "batch", H])])
    pick = numpy_helper.from_array(np.array(1, dtype=np.int64), "pick")
    else_nodes = [
        helper.make_node("Gather", ["stack_W", "pick"], ["W_rnn"], name="gather_W", axis=0),
        helper.make_node("Gather", ["stack_R", "pick"], ["R_rnn"], name="gather_R", axis=0),
        helper.make_node("RNN", ["x", "W_rnn", "R_rnn", "", "", "h"], ["Y_r", "h_else"], name="RNN_5", hidden_size=H),
    ]
    else_graph = helper.make_graph(else_nodes, "else_branch", [], [vinfo("h_else", F, [1, "batch", H])],
                                   initializer=[pick])
    nodes = [helper.make_node("If", ["flag"], ["h_out"], name="If_0", then_branch=then_graph, else_branch=else_graph)]
    graph = helper.make_graph(nodes, "nested",
                              [vinfo("x", F, ["seq", "batch", I]), vinfo("flag", TensorProto.BOOL, []),
                               vinfo("h", F, [1, "batch", H]), vinfo("c", F, [1, "batch", H])],
                              [vinfo("h_out", F, [1, "batch", H])],
                              initializer=[init("W_top", W), numpy_helper.from_array(np.array(3, dtype=np.int64), "trips"),
                                           init("stack_W", stack_W), init("stack_R", stack_R)])
    save(model_of(graph, 13), "nested.onnx")
    x, h0, c0 = rand(L, N, I, scale=1.0), rand(1, N, H), rand(1, N, H)
    record("nested.onnx", "If_0/then_branch/Loop_1/body/LSTM_2", "LSTM", x, h0, lstm_ref(x, W, R, B, h0, c0), c0)
    # ONNX RNN: H = tanh(x W^T + h R^T), no bias here.
    Wr, Rr = stack_W[1], stack_R[1]
    h = h0[0].astype(np.float64)
    ys = []
    for t in range(L):
        h = np.tanh(x[t].astype(np.float64) @ Wr[0].T.astype(np.float64) + h @ Rr[0].T.astype(np.float64))
        ys.append(h)
    record("nested.onnx", "If_0/else_branch/RNN_5", "RNN", x, h0, (np.stack(ys), h[None]))


# ------------------------------------------------------------------ folding that must stop, or must not run away

def fold_limits():
    """Graphs whose weights cannot or must not be folded.

    matmul_weights.onnx: W = MatMul(A, B) of two initializers (not an op the folder evaluates).
    input_weights.onnx: W = Mul(graph input 'scale', initializer).
    huge_expand.onnx: W = Expand(initializer [1, 1, 1], [1, 12, 2^40]) (a terabyte of floats).
    """
    W, R, B = lstm_weights(I, H)
    def lstm_model(pre_nodes, w_name, extra_inits, extra_inputs, name):
        nodes = pre_nodes + [helper.make_node("LSTM", ["x", w_name, "R", "B"], ["Y", "Y_h", "Y_c"], name="LSTM_0", hidden_size=H)]
        graph = helper.make_graph(nodes, name, [vinfo("x", F, ["seq", "batch", I])] + extra_inputs,
                                  [vinfo("Y", F, None)], initializer=[init("R", R), init("B", B)] + extra_inits)
        save(model_of(graph, 13), name + ".onnx")
    lstm_model([helper.make_node("MatMul", ["A", "Bm"], ["W"], name="mm")], "W",
               [init("A", rand(1, 4 * H, 2)), init("Bm", rand(2, I))], [], "matmul_weights")
    lstm_model([helper.make_node("Mul", ["scale", "Wi"], ["W"], name="scale_W")], "W",
               [init("Wi", W)], [vinfo("scale", F, [])], "input_weights")
    lstm_model([helper.make_node("Expand", ["one", "big"], ["W"], name="expand_W")], "W",
               [init("one", np.ones((1, 1, 1), dtype=np.float32)), ints("big", 1, 4 * H, 1 << 40)], [], "huge_expand")


# ------------------------------------------------------------------ half precisions

def half_precisions():
    """float16 and bfloat16 initializers.

    lstm_fp16_cast.onnx: W, R, B stored as float16 and Cast to float before the LSTM (how
    fp16-compressed models ship); ONNX Runtime runs it. lstm_bf16_cast.onnx: the same with
    bfloat16. lstm_fp16.onnx: an LSTM computing in float16 (input, weights, outputs), which
    ONNX Runtime's CPU provider has no kernel for. References use the rounded stored values.
    """
    W, R, B = lstm_weights(I, H)
    x, h0, c0 = rand(L, N, I, scale=1.0), rand(1, N, H), rand(1, N, H)
    W16, R16, B16 = (a.astype(np.float16) for a in (W, R, B))
    nodes = [helper.make_node("Cast", [n + "16"], [n], name="cast_" + n, to=F) for n in ("W", "R", "B")]
    nodes.append(helper.make_node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["Y", "Y_h", "Y_c"], name="LSTM_0", hidden_size=H))
    ins = [vinfo("x", F, ["seq", "batch", I]), vinfo("h0", F, [1, "batch", H]), vinfo("c0", F, [1, "batch", H])]
    outs = [vinfo("Y", F, None), vinfo("Y_h", F, [1, "batch", H]), vinfo("Y_c", F, [1, "batch", H])]
    graph = helper.make_graph(nodes, "lstm_fp16_cast", ins, outs,
                              initializer=[init("W16", W16), init("R16", R16), init("B16", B16)])
    save(model_of(graph, 13), "lstm_fp16_cast.onnx")
    ref = lstm_ref(x, W16.astype(np.float64), R16.astype(np.float64), B16.astype(np.float64), h0, c0)
    record("lstm_fp16_cast.onnx", "LSTM_0", "LSTM", x, h0, ref, c0)

    def to_bf16(a):
        bits = a.astype(np.float32).view(np.uint32)
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
        return rounded

    def bf16_tensor(name, a):
        t = TensorProto()
        t.name = name
        t.data_type = TensorProto.BFLOAT16
        t.dims.extend(a.shape)
        t.raw_data = to_bf16(a).tobytes()
        return t

    def bf16_values(a):
        return (to_bf16(a).astype(np.uint32) << 16).view(np.float32).astype(np.float64)

    graph = helper.make_graph(nodes, "lstm_bf16_cast", ins, outs,
                              initializer=[bf16_tensor("W16", W), bf16_tensor("R16", R), bf16_tensor("B16", B)])
    save(model_of(graph, 13), "lstm_bf16_cast.onnx")
    ref = lstm_ref(x, bf16_values(W), bf16_values(R), bf16_values(B), h0, c0)
    record("lstm_bf16_cast.onnx", "LSTM_0", "LSTM", x, h0, ref, c0)

    H16 = TensorProto.FLOAT16
    node = helper.make_node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["Y", "Y_h", "Y_c"], name="LSTM_0", hidden_size=H)
    graph = helper.make_graph([node], "lstm_fp16",
                              [vinfo("x", H16, ["seq", "batch", I]), vinfo("h0", H16, [1, "batch", H]), vinfo("c0", H16, [1, "batch", H])],
                              [vinfo("Y", H16, None), vinfo("Y_h", H16, [1, "batch", H]), vinfo("Y_c", H16, [1, "batch", H])],
                              initializer=[init("W", W16), init("R", R16), init("B", B16)])
    save(model_of(graph, 13), "lstm_fp16.onnx")
    record("lstm_fp16.onnx", "LSTM_0", "LSTM", x, h0,
           lstm_ref(x, W16.astype(np.float64), R16.astype(np.float64), B16.astype(np.float64), h0, c0), c0)


# ------------------------------------------------------------------ external data

def external_data():
    """Models whose initializers live in a side file, written by onnx.save_model.

    external/lstm.onnx + lstm.weights: every tensor outside (size_threshold=0), one file.
    hostile/*.onnx: copies whose external_data entries were edited to point elsewhere:
    escape.onnx location '../../etc/passwd', absolute.onnx '/etc/passwd', past_end.onnx a
    length past the end of the data file.
    """
    W, R, B = lstm_weights(I, H)
    node = helper.make_node("LSTM", ["x", "W", "R", "B", "", "h0", "c0"], ["Y", "Y_h", "Y_c"], name="LSTM_0", hidden_size=H)
    graph = helper.make_graph([node], "lstm_external",
                              [vinfo("x", F, ["seq", "batch", I]), vinfo("h0", F, [1, "batch", H]), vinfo("c0", F, [1, "batch", H])],
                              [vinfo("Y", F, None), vinfo("Y_h", F, [1, "batch", H]), vinfo("Y_c", F, [1, "batch", H])],
                              initializer=[init("W", W), init("R", R), init("B", B)])
    model = model_of(graph, 13)
    onnx.checker.check_model(model, full_check=True)
    folder = OUT / "external"
    folder.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, str(folder / "lstm.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="lstm.weights", size_threshold=0)
    x, h0, c0 = rand(L, N, I, scale=1.0), rand(1, N, H), rand(1, N, H)
    record("external/lstm.onnx", "LSTM_0", "LSTM", x, h0, lstm_ref(x, W, R, B, h0, c0), c0)

    hostile = OUT / "hostile"
    hostile.mkdir(parents=True, exist_ok=True)
    shutil.copy(folder / "lstm.weights", hostile / "lstm.weights")
    loaded = onnx.load_model(str(folder / "lstm.onnx"), load_external_data=False)

    def edited(name, tensor, key, value):
        m = onnx.ModelProto()
        m.CopyFrom(loaded)
        for t in m.graph.initializer:
            if t.name == tensor:
                for e in t.external_data:
                    if e.key == key:
                        e.value = value
        with open(hostile / name, "wb") as f:
            f.write(m.SerializeToString())

    edited("escape.onnx", "R", "location", "../../etc/passwd")
    edited("absolute.onnx", "R", "location", "/etc/passwd")
    size = os.path.getsize(hostile / "lstm.weights")
    edited("past_end.onnx", "R", "length", str(size))


def main():
    if OUT.exists():
        for child in ("refs", "external", "hostile"):
            shutil.rmtree(OUT / child, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    if_lstm()
    loop_lstm()
    scan_gru()
    nested()
    fold_limits()
    half_precisions()
    external_data()
    with open(OUT / "cases.json", "w") as f:
        json.dump(CASES, f, indent=1)
        f.write("\n")
    print("wrote", len(CASES), "networks with onnx", onnx.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
