namespace SteerLab.Engine.Worker;

/// <summary>One model held by <see cref="LoadedModels"/>, as it was when the snapshot was taken.</summary>
/// <param name="ModelDir">The folder it was loaded from (the key jobs acquire it by).</param>
/// <param name="WeightType">"Float32" or "BFloat16".</param>
/// <param name="WeightBytes">Memory its weight tensors take.</param>
/// <param name="Leases">Jobs using it now; it cannot be unloaded while this is above zero.</param>
public sealed record LoadedModelInfo(
    string ModelDir, string Architecture, int DModel, int LayerCount, string WeightType, string Device, long WeightBytes,
    int Leases, DateTimeOffset LoadedAt, DateTimeOffset LastUsedAt)
{
    public bool IsIdle => Leases == 0;
}
