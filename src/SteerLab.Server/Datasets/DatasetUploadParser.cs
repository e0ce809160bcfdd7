using SteerLab.Engine.Steering.Datasets;
using SteerLab.Shared.Datasets;
using EngineFormat = SteerLab.Engine.Steering.Datasets.DatasetFileFormat;

namespace SteerLab.Server.Datasets;

/// <summary>An upload read by the engine's readers: the dataset, or every problem they found (never both).</summary>
public sealed record ParsedUpload(ContrastiveDataset? Dataset, DatasetFormat? Format, DatasetLayout? Layout, IReadOnlyList<DatasetError> Errors);

/// <summary>Reads an upload with the engine's dataset readers — never a parser of our own. CAA A/B rows and plain
/// pairs are <see cref="ContrastiveDatasetReader"/>'s layouts; A/B benchmark rows (prompt, correct, incorrect) are
/// <see cref="AbTestSetReader"/>'s, which is asked only when the first reader refuses the file. When both refuse it,
/// the problems of the reader whose layout the file is closer to are reported.</summary>
public static class DatasetUploadParser
{
    public static ParsedUpload Parse(byte[] content, string fileName, DatasetLimits limits)
    {
        EngineFormat format;
        try { format = ContrastiveDatasetReader.FormatOf(fileName); }
        catch (DatasetFormatException unknownExtension) { return new ParsedUpload(null, null, null, unknownExtension.Errors); }

        string name = Path.GetFileNameWithoutExtension(fileName);
        var shared = (DatasetFormat)(int)format;
        try
        {
            var dataset = ContrastiveDatasetReader.Read(Open(content), fileName, format, name, limits);
            return new ParsedUpload(dataset, shared, dataset.Kind == PairKind.AnswerChoice ? DatasetLayout.CaaAb : DatasetLayout.PlainPairs, []);
        }
        catch (DatasetFormatException contrastive)
        {
            try
            {
                // CAA rows the first reader refused, this one refuses too: what it accepts here is a benchmark.
                var benchmark = AbTestSetReader.Read(Open(content), fileName, format, name, limits);
                return new ParsedUpload(benchmark, shared, DatasetLayout.AbBenchmark, []);
            }
            catch (DatasetFormatException asBenchmark)
            {
                var closer = Distance(asBenchmark.Errors).CompareTo(Distance(contrastive.Errors)) < 0 ? asBenchmark : contrastive;
                return new ParsedUpload(null, shared, null, closer.Errors);
            }
        }
    }

    static MemoryStream Open(byte[] content) => new(content, writable: false);

    /// <summary>How far a file is from a reader's layout: problems of the whole file first (a CSV header naming the
    /// other layout's columns), then the number of problems (a plain-pairs file read as a benchmark lacks two fields
    /// in every row; one bad row of a benchmark file is one problem). A tie goes to the first reader. (JSON Lines
    /// problems have no item index: both readers' count as whole-file, so they compare by count alone.)</summary>
    static (int WholeFile, int All) Distance(IReadOnlyList<DatasetError> errors) => (errors.Count(e => e.Index is null), errors.Count);
}
