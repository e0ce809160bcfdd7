using SteerLab.Engine.Worker;
using SteerLab.Server.Tests.Support;

namespace SteerLab.Server.Tests.Engine;

/// <summary>Model names resolve only to folders inside a model root (DESIGN §9), symbolic links included.</summary>
public sealed class ModelRootsTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("steerlab-roots-").FullName;
    readonly string outside = Directory.CreateTempSubdirectory("steerlab-outside-").FullName;

    public void Dispose()
    {
        SteerLabServer.TryDelete(root);
        SteerLabServer.TryDelete(outside);
    }

    [Fact]
    public void Resolve_FindsAModelOneOrTwoLevelsDownAndDiscoverListsThem()
    {
        FakeModel(Path.Combine(root, "tiny"));
        FakeModel(Path.Combine(root, "org", "small"));
        var roots = new ModelRoots([root]);

        Assert.Equal(Path.Combine(root, "tiny"), roots.Resolve("tiny"));
        Assert.Equal(Path.Combine(root, "org", "small"), roots.Resolve("org/small"));
        Assert.Equal(["org/small", "tiny"], roots.Discover());
    }

    [Theory]
    [InlineData("..", "'..' is not allowed")]
    [InlineData("tiny/../../etc", "'..' is not allowed")]
    [InlineData("", "empty")]
    [InlineData("bad\u0001name", "control characters")]
    public void Resolve_RefusesMalformedNames(string name, string problem)
    {
        var error = Assert.Throws<ModelPathException>(() => new ModelRoots([root]).Resolve(name));
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Resolve_RefusesAnAbsolutePathOutsideTheRoots()
    {
        FakeModel(outside);
        var error = Assert.Throws<ModelPathException>(() => new ModelRoots([root]).Resolve(outside));
        Assert.Contains("not under any model root", error.Message);
    }

    [Fact]
    public void Resolve_RefusesALinkedFolderOrFileLeadingOutOfTheRoot()
    {
        FakeModel(outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "linked-folder"), outside);
        string partly = Path.Combine(root, "linked-file");
        Directory.CreateDirectory(partly);
        File.WriteAllText(Path.Combine(partly, "config.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(partly, "model.safetensors"), Path.Combine(outside, "model.safetensors"));
        Directory.CreateDirectory(Path.Combine(root, "parent"));
        Directory.CreateSymbolicLink(Path.Combine(root, "parent", "up"), Path.GetDirectoryName(outside)!);
        var roots = new ModelRoots([root]);

        Assert.Contains("outside the model root", Assert.Throws<ModelPathException>(() => roots.Resolve("linked-folder")).Message);
        Assert.Contains("'model.safetensors'", Assert.Throws<ModelPathException>(() => roots.Resolve("linked-file")).Message);
        Assert.Contains("outside the model root", Assert.Throws<ModelPathException>(() => roots.Resolve($"parent/up/{Path.GetFileName(outside)}")).Message);
    }

    [Fact]
    public void Resolve_AcceptsLinksThatStayInsideTheRoot()
    {
        // A Hugging Face cache links snapshot files to blobs in the same cache folder.
        string blobs = Path.Combine(root, "blobs");
        Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(blobs, "weights"), "");
        string model = Path.Combine(root, "cached");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "config.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(model, "model.safetensors"), "../blobs/weights");
        Directory.CreateSymbolicLink(Path.Combine(root, "alias"), model);
        var roots = new ModelRoots([root]);

        Assert.Equal(model, roots.Resolve("cached"));
        Assert.Equal(Path.Combine(root, "alias"), roots.Resolve("alias"));
    }

    [Fact]
    public void Resolve_ExplainsWhenNoRootsAreConfiguredOrTheModelIsMissing()
    {
        Assert.Contains("no model roots are configured", Assert.Throws<ModelPathException>(() => new ModelRoots([]).Resolve("tiny")).Message);
        Assert.Contains("not found under the model roots", Assert.Throws<ModelPathException>(() => new ModelRoots([root]).Resolve("tiny")).Message);
    }

    [Fact]
    public void ResolveSae_RefusesDotDotAndLinksLeadingOutOfTheRoot_EvenBesideANamedFileOrOneFolderDown()
    {
        // SAELens-style SAE named by its cfg.json, whose weights beside it link outside the root.
        string named = Path.Combine(root, "saes", "named");
        Directory.CreateDirectory(named);
        File.WriteAllText(Path.Combine(named, "cfg.json"), "{}");
        File.WriteAllText(Path.Combine(outside, "sae_weights.safetensors"), "");
        File.CreateSymbolicLink(Path.Combine(named, "sae_weights.safetensors"), Path.Combine(outside, "sae_weights.safetensors"));
        // Llama Scope SAE whose checkpoints/final.safetensors (one folder down) links outside the root.
        string llamaScope = Path.Combine(root, "saes", "llama-scope");
        Directory.CreateDirectory(Path.Combine(llamaScope, "checkpoints"));
        File.WriteAllText(Path.Combine(llamaScope, "hyperparams.json"), "{}");
        File.WriteAllText(Path.Combine(outside, "final.safetensors"), "");
        File.CreateSymbolicLink(Path.Combine(llamaScope, "checkpoints", "final.safetensors"), Path.Combine(outside, "final.safetensors"));
        var roots = new ModelRoots([root]);

        Assert.Contains("'..' is not allowed", Assert.Throws<ModelPathException>(() => roots.ResolveSae($"../{Path.GetFileName(outside)}")).Message);
        Assert.Contains("outside the model root", Assert.Throws<ModelPathException>(() => roots.ResolveSae("saes/named/cfg.json")).Message);
        Assert.Contains("outside the model root", Assert.Throws<ModelPathException>(() => roots.ResolveSae("saes/named")).Message);
        Assert.Contains("'final.safetensors'", Assert.Throws<ModelPathException>(() => roots.ResolveSae("saes/llama-scope")).Message);
    }

    static void FakeModel(string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
        File.WriteAllText(Path.Combine(dir, "model.safetensors"), "");
    }
}
