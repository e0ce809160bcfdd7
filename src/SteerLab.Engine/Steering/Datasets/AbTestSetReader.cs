namespace SteerLab.Engine.Steering.Datasets;

/// <summary>Reads A/B test sets as text-level questions: CAA's <c>test_dataset_ab.json</c> (same layout as the
/// generation sets) and CAA's A/B versions of MMLU and TruthfulQA (<c>prompt</c>, <c>correct</c>, <c>incorrect</c>,
/// plus fields that are ignored; the correct answer plays "matching behaviour", so p(matching) is accuracy).
/// The result is a dataset of <see cref="PairKind.AnswerChoice"/> pairs; <see cref="Activations.ContrastivePrompts"/>
/// turns them into token-level <see cref="Evaluation.AbQuestion"/>s. Same validation and limits as
/// <see cref="ContrastiveDatasetReader"/>.</summary>
public static class AbTestSetReader
{
    static readonly PairSchema[] Schemas = [PairSchema.Caa, PairSchema.Benchmark];

    public static ContrastiveDataset Read(string path, string? name = null, DatasetFileFormat? format = null, DatasetLimits? limits = null) =>
        new(name ?? Path.GetFileNameWithoutExtension(path), DatasetFileReader.ReadPairs(path, format, limits, Schemas));

    public static ContrastiveDataset Read(Stream stream, string source, DatasetFileFormat format, string name, DatasetLimits? limits = null) =>
        new(name, DatasetFileReader.ReadPairs(stream, source, format, limits, Schemas));
}
