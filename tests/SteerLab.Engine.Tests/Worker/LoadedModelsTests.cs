using SteerLab.Engine.Tests.Support;
using SteerLab.Engine.Worker;

namespace SteerLab.Engine.Tests.Worker;

/// <summary>What <see cref="LoadedModels"/> holds, loading ahead of jobs, and unloading (refused while leased), on
/// the real stories260K model.</summary>
public sealed class LoadedModelsTests
{
    [SkippableFact]
    public void Load_HoldsTheModelAndTheSnapshotDescribesIt()
    {
        string dir = Stories260K.Directory;
        using var models = new LoadedModels();
        Assert.Empty(models.Snapshot());

        models.Load(dir);

        var held = Assert.Single(models.Snapshot());
        Assert.Equal(dir, held.ModelDir);
        Assert.Equal(("Llama", 64, 5, "Float32"), (held.Architecture, held.DModel, held.LayerCount, held.WeightType));
        Assert.Equal("cpu", held.Device);
        Assert.True(held.WeightBytes > 0);
        Assert.Equal(0, held.Leases);
        Assert.True(held.IsIdle);
        Assert.True(held.LastUsedAt >= held.LoadedAt);
        Assert.Null(models.LoadingNow);
    }

    [SkippableFact]
    public void Snapshot_CountsLeasesOfRunningJobs()
    {
        using var models = new LoadedModels();
        using (var first = models.Acquire(Stories260K.Directory))
        using (var second = models.Acquire(Stories260K.Directory))
        {
            Assert.Same(first.Model, second.Model);
            Assert.Equal(2, Assert.Single(models.Snapshot()).Leases);
        }
        Assert.Equal(0, Assert.Single(models.Snapshot()).Leases);
    }

    [SkippableFact]
    public void Unload_IsRefusedWhileAJobLeasesTheModel()
    {
        string dir = Stories260K.Directory;
        using var models = new LoadedModels();
        var lease = models.Acquire(dir);

        var refusal = Assert.Throws<ModelInUseException>(() => models.Unload(dir));

        Assert.Contains("in use by 1 running job", refusal.Message);
        Assert.Contains(dir, refusal.Message);
        Assert.Single(models.Snapshot());
        lease.Dispose();
        Assert.True(models.Unload(dir));
        Assert.Empty(models.Snapshot());
        Assert.False(models.Unload(dir));
    }

    [SkippableFact]
    public void AcquireAfterUnload_LoadsTheModelAgain()
    {
        string dir = Stories260K.Directory;
        using var models = new LoadedModels();
        models.Load(dir);
        Assert.True(models.Unload(dir));

        using var lease = models.Acquire(dir);

        Assert.Equal(1, Assert.Single(models.Snapshot()).Leases);
        Assert.Equal(5, lease.Model.Config.LayerCount);
    }
}
