/**
 * The fast float32 engine behind {@link dev.rnnport.nn.DirectionKernel}: weights packed once per
 * network into column panels ({@link dev.rnnport.nn.fast.PackedDirection}), the input projection of
 * all steps as one blocked matrix product, a register-tiled recurrent product per step and fused
 * gate updates ({@link dev.rnnport.nn.fast.FastKernel}). The arithmetic sits behind
 * {@link dev.rnnport.nn.fast.Simd}: the Vector API where the {@code jdk.incubator.vector} module is
 * present, plain Java otherwise ({@link dev.rnnport.nn.fast.SimdSupport}).
 * {@link dev.rnnport.nn.NaiveKernel} stays the reference every fast result is tested against.
 */
package dev.rnnport.nn.fast;
