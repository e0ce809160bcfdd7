using SteerLab.Engine.Demo;
using SteerLab.Engine.Generation;
using SteerLab.Engine.Models;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Steering.Documents;
using SteerLab.TestSupport;

namespace SteerLab.Engine.Tests.Demo;

/// <summary>The committed demo (demo/ at the repository root): intact, loadable, and its vectors steer.</summary>
public class DemoArtefactTests
{
    static string Folder => Path.Combine(SharedData.RepositoryRoot, DemoAssets.FolderName);
    static string ModelFolder => Path.Combine(Folder, DemoAssets.ModelFolderName);

    [Fact]
    public void EveryFile_MatchesTheManifest()
    {
        var manifest = DemoManifest.Load(Folder);
        Assert.Equal(DemoManifest.Format, manifest.FormatName);
        var onDisk = DemoManifest.Describe(Folder);
        Assert.Equal(manifest.Files.Select(f => f.Path), onDisk.Select(f => f.Path));
        foreach (var (expected, actual) in manifest.Files.Zip(onDisk))
        {
            Assert.True(expected.Bytes == actual.Bytes, $"{expected.Path}: {actual.Bytes} bytes, manifest says {expected.Bytes}");
            Assert.True(expected.Sha256 == actual.Sha256, $"{expected.Path}: SHA-256 differs from the manifest");
        }
        Assert.True(manifest.TotalBytes <= DemoManifest.MaxTotalBytes, $"{manifest.TotalBytes} bytes committed");
    }

    [Fact]
    public void TheBuildCopiesTheDemoBesideTheApplication() =>
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, DemoAssets.FolderName), DemoAssets.FindFolder());

    [Fact]
    public void Model_LoadsAndWritesCorpusEnglish()
    {
        using var loaded = LoadedModel.Open(ModelFolder);
        var tokenizer = loaded.RequireTokenizer();
        var classifier = GenreClassifier.Load(Path.Combine(Folder, GenreClassifier.FileName));
        var output = new TokenGenerator(loaded.Model).Generate(new GenerationRequest
        {
            Prompts = [tokenizer.Encode("The man", addBos: true)],
            MaxNewTokens = 40,
            StopIds = tokenizer.StopIds.ToArray(),
        });
        string text = tokenizer.Decode(output[0].NewIds);
        var words = GenreClassifier.Words(text).ToList();
        Assert.True(words.Count >= 10, $"only {words.Count} words: {text}");
        // Recognisably the corpus's English: nearly every word is one the corpus uses at least three times.
        var vocabulary = classifier.Vocabulary.ToHashSet();
        double known = words.Average(w => vocabulary.Contains(w) ? 1.0 : 0.0);
        Assert.True(known >= 0.9, $"{known:P0} of the words are corpus words: {text}");
    }

    [Fact]
    public void Datasets_AreValidSteerLabDatasets()
    {
        foreach (var contrast in DemoContrast.All)
        {
            var dataset = ContrastiveDatasetReader.Read(Path.Combine(Folder, DemoAssets.DatasetFolderName, contrast.DatasetFileName));
            Assert.True(dataset.Pairs.Count >= 100, $"{contrast.Id}: {dataset.Pairs.Count} pairs");
            Assert.All(dataset.Pairs, p => Assert.Equal(PairKind.Completion, p.Kind));
        }
    }

    public static TheoryData<string, SteeringMethod, double> Vectors => new()
    {
        { DemoContrast.RomanceVsPress.Id, SteeringMethod.Caa, 4 },
        { DemoContrast.RomanceVsPress.Id, SteeringMethod.Sas, 16 },
        { DemoContrast.LearnedVsFiction.Id, SteeringMethod.Sas, 16 },
        { DemoContrast.LearnedVsFiction.Id, SteeringMethod.Caa, 4 },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_MovesTheGenreScoreBothWays(string contrastId, SteeringMethod method, double lambda)
    {
        var contrast = DemoContrast.All.Single(c => c.Id == contrastId);
        using var loaded = LoadedModel.Open(ModelFolder);
        using var sae = SaeLoader.Load(Path.Combine(Folder, DemoAssets.SaeFolderName));
        var classifier = GenreClassifier.Load(Path.Combine(Folder, GenreClassifier.FileName));
        var vector = VectorDocumentReader.Read(Path.Combine(Folder, DemoAssets.VectorFolderName, DemoAssets.VectorFileName(contrast, method)));
        var evaluation = new DemoSteeringEvaluation(loaded, classifier, sae, new DemoEvaluationSettings()); // the README table's 64 continuations

        double Score(double l)
        {
            using var plan = new SteeringPlan([new SteeringKnob(vector, l)], _ => sae, SteerLab.Engine.Hooks.PositionScope.All);
            return evaluation.Continuations(plan.Hooks, CancellationToken.None).Average(t => classifier.Score(t, contrast.Positive, contrast.Negative));
        }

        double negative = Score(-lambda), neutral = Score(0), positive = Score(lambda);
        Assert.True(positive > neutral, $"λ = {lambda}: score {positive:F3} is not above the unsteered {neutral:F3}");
        Assert.True(negative < neutral, $"λ = {-lambda}: score {negative:F3} is not below the unsteered {neutral:F3}");
    }
}
