using System.Runtime.InteropServices;
using TorchSharp;

namespace SteerLab.Engine.Models.Safetensors;

/// <summary>Creates torch tensors that view memory owned elsewhere (a memory-mapped file) without copying.
/// TorchSharp has no public from_blob; its native THSTensor_new wraps a pointer with a deleter callback,
/// and <see cref="torch.Tensor.UnsafeCreateTensor"/> adopts the handle. The caller keeps the memory alive
/// for as long as any such tensor exists.</summary>
static class MappedTensorFactory
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate void NativeDeleter(IntPtr memory);

    // The memory belongs to the mapping, not to torch: nothing to free. Kept in a static field so the
    // delegate is never collected while native code holds its pointer.
    static readonly NativeDeleter NoOpDeleter = _ => { };

    [DllImport("LibTorchSharp")]
    static extern IntPtr THSTensor_new(IntPtr rawArray, NativeDeleter deleter, IntPtr dimensions, int numDimensions,
        sbyte type, sbyte dtype, int deviceType, int deviceIndex, [MarshalAs(UnmanagedType.U1)] bool requiresGrad);

    [DllImport("LibTorchSharp")]
    static extern IntPtr THSTorch_get_and_reset_last_err();

    public static unsafe torch.Tensor View(IntPtr data, long[] shape, torch.ScalarType type)
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        fixed (long* dims = shape)
        {
            IntPtr handle = THSTensor_new(data, NoOpDeleter, (IntPtr)dims, shape.Length, (sbyte)type, (sbyte)type, (int)DeviceType.CPU, -1, false);
            if (handle == IntPtr.Zero)
            {
                IntPtr error = THSTorch_get_and_reset_last_err();
                throw new InvalidOperationException("libtorch could not wrap mapped memory: " + (error == IntPtr.Zero ? "unknown error" : Marshal.PtrToStringAnsi(error)));
            }
            return torch.Tensor.UnsafeCreateTensor(handle);
        }
    }
}
