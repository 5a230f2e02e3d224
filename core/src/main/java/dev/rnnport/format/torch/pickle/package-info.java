/**
 * A safe interpreter for Python pickles (protocols 0 to 5), and a writer for the few opcodes a
 * state dict needs. It knows no file format: the format that holds the pickle resolves its
 * persistent ids ({@link dev.rnnport.format.torch.pickle.Unpickler.PersistentLoader}), gives
 * meaning to its own globals by extending {@link dev.rnnport.format.torch.pickle.PickleCallables},
 * and marks the values those make as {@link dev.rnnport.format.torch.pickle.FormatValue}s.
 *
 * <p>What reading a pickle here guarantees, whatever the file holds:
 * <ul>
 *   <li><b>Nothing from the file is executed or imported.</b> A global ({@code GLOBAL},
 *       {@code STACK_GLOBAL}, {@code INST}) becomes a
 *       {@link dev.rnnport.format.torch.pickle.PyGlobal}, a name and nothing more. REDUCE, NEWOBJ
 *       and BUILD follow a fixed set of side-effect-free rules that build plain data; any other
 *       class or function yields an inert {@link dev.rnnport.format.torch.pickle.PyObject} that
 *       only records what the pickle passed to it.</li>
 *   <li><b>Unsafe globals are refused by name.</b> A global that would run code, import
 *       modules, reflect, or touch files, processes or the network if Python resolved it (see
 *       {@code UnsafeGlobals}) ends the read as soon as the pickle names it, with
 *       {@code unsafe pickle in <file>: calls <module>.<name>}. Nothing here would resolve it;
 *       the file is refused because no honest one names such a global.</li>
 *   <li><b>Limits are checked before allocation.</b> Every length a pickle states is checked
 *       against the bytes that remain; memo indices, stack size, MARK nesting and tuple depth
 *       against {@link dev.rnnport.format.torch.pickle.PickleLimits}; and the memory every object
 *       will take is charged to a {@link dev.rnnport.format.torch.pickle.PickleBudget}, a share
 *       of this JVM's heap, before it is made. A hostile or damaged pickle ends in a one-line
 *       {@link dev.rnnport.ModelException} naming the file, the pickle and the byte offset,
 *       never in an exhausted heap or stack.</li>
 * </ul>
 */
package dev.rnnport.format.torch.pickle;
