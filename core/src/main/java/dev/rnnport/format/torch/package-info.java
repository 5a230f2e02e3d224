/**
 * PyTorch files: reading nn.LSTM / nn.GRU / nn.RNN weights from what torch.save and
 * torch.jit.save write, and writing a network as torch.save writes a state dict. Only
 * {@link dev.rnnport.format.torch.TorchReader} and {@link dev.rnnport.format.torch.TorchWriter}
 * are public. Pickles are read by the format-neutral interpreter of
 * {@link dev.rnnport.format.torch.pickle}; this package adds what is PyTorch's.
 *
 * <h2>Containers</h2>
 * {@code TorchFile.open} tells the layouts apart by their first bytes:
 * <ul>
 *   <li><b>zip</b> (torch.save since PyTorch 1.6): {@code <folder>/data.pkl} holds the object,
 *       {@code <folder>/data/<key>} the bytes of each storage, {@code <folder>/byteorder} their
 *       byte order ({@code ZipTorchFile});</li>
 *   <li><b>TorchScript</b> (torch.jit.save): the same zip layout with {@code constants.pkl}
 *       beside it; the object is the scripted module, kept as an inert record whose
 *       attributes hold the tensors ({@code ZipTorchFile});</li>
 *   <li><b>legacy</b> (before PyTorch 1.6, or {@code _use_new_zipfile_serialization=False}):
 *       five pickles in a row, then each storage as an element count and its raw bytes
 *       ({@code LegacyTorchFile}).</li>
 * </ul>
 * The container resolves the pickle's persistent ids to storages ({@code StorageRef}), each
 * checked against the record that holds its bytes, and {@code TorchCallables} rebuilds tensors
 * as strided views ({@code TorchTensor}) checked against their storage. Storage bytes are read
 * only when a tensor is materialized, and only tensors a network needs are.
 *
 * <h2>Finding networks</h2>
 * {@code TensorTree} flattens what torch.load would return into dotted names, as a state dict
 * names its tensors: state dicts, checkpoints that wrap one ({@code {'state_dict': ...}},
 * {@code {'model': ...}}), nested dicts and lists, eagerly pickled nn.Modules and TorchScript
 * modules. {@link dev.rnnport.nn.ParameterNames} picks the names recurrent parameters have, and
 * {@link dev.rnnport.format.statedict.StateDictNetworks} groups them into networks named by
 * their prefix. A pickled nn.LSTM/GRU/RNN, or the {@code 'rnnport'} entry this package's writer
 * puts in a state dict's {@code _metadata}, supplies batch_first, nonlinearity and dropout,
 * which a state dict does not record.
 *
 * <h2>Writer</h2>
 * {@code TorchWriter} writes the zip layout of torch.save: a {@code collections.OrderedDict}
 * of {@code _rebuild_tensor_v2} tensors, pickled with the opcodes
 * torch.load(weights_only=True) accepts, in stored records aligned to 64 bytes as PyTorch's
 * own archive writer aligns them ({@code AlignedZipWriter}).
 */
package dev.rnnport.format.torch;
