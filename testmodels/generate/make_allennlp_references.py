#!/usr/bin/python3
"""PyTorch's own outputs for the LSTM in AllenNLP's simple_tagger fixtures (testmodels/torch/allennlp/).

Run from the repository root with Debian's PyTorch 1.13 (`python3-torch`):

    /usr/bin/python3 testmodels/generate/make_allennlp_references.py

For each of serialization/best.th (legacy torch.save) and serialization_full/best.th (zip), the
state dict is loaded with torch.load(weights_only=True), its `encoder._module.` parameters are
loaded into an nn.LSTM(2, 4) (AllenNLP's "lstm" encoder config: input_size 2, hidden_size 4,
num_layers 1), and the module is run on a seeded input of shape (seq_len 5, batch 3, features 2)
in its default time-major layout. Input and outputs are written as float32 .npy files under
testmodels/torch/allennlp_reference/<folder>/. Nothing here was computed by rnnport.
"""

from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "testmodels" / "torch" / "allennlp" / "simple_tagger"
OUT = ROOT / "testmodels" / "torch" / "allennlp_reference"
PREFIX = "encoder._module."

torch.set_num_threads(1)


def save(path, t):
    np.save(path, t.detach().numpy().astype("<f4"))


def main():
    for folder in ("serialization", "serialization_full"):
        state = torch.load(SOURCE / folder / "best.th", map_location="cpu", weights_only=True)
        lstm_state = {k[len(PREFIX):]: v for k, v in state.items() if k.startswith(PREFIX)}
        lstm = nn.LSTM(input_size=2, hidden_size=4, num_layers=1)
        lstm.load_state_dict(lstm_state, strict=True)
        lstm.eval()
        torch.manual_seed(1234)
        x = torch.randn(5, 3, 2)
        with torch.no_grad():
            output, (h_n, c_n) = lstm(x)
        dest = OUT / folder
        dest.mkdir(parents=True, exist_ok=True)
        save(dest / "input.npy", x)
        save(dest / "output.npy", output)
        save(dest / "h_n.npy", h_n)
        save(dest / "c_n.npy", c_n)
        print(folder, "output[0,0] =", output[0, 0].tolist())
    print("torch", torch.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
