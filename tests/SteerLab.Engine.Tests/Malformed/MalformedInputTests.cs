using SteerLab.Engine.Steering.Datasets;
using Xunit.Abstractions;

namespace SteerLab.Engine.Tests.Malformed;

/// <summary>The cross-format attack on the parsers: every case of <see cref="MalformedCorpus"/> is refused with the
/// parser's typed format exception (never IndexOutOfRange, NullReference, Overflow, OutOfMemory…), whose message names
/// the file and the problem; the parser returns (a hang guard, not a timing assertion); and refusing it costs memory in
/// proportion to the bytes actually given, never to a size the file claims. Runs alone (no parallel tests) so that
/// process-wide memory figures belong to the case being measured.</summary>
[Collection(nameof(MalformedInputTests))]
[CollectionDefinition(nameof(MalformedInputTests), DisableParallelization = true)]
public sealed class MalformedInputTests(ITestOutputHelper output) : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("steerlab-malformed-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Generous: the slowest case (a 10 MB line) takes well under a second; only a hang gets near this.</summary>
    static readonly TimeSpan HangDeadline = TimeSpan.FromSeconds(20);

    const long MB = 1L << 20;

    /// <summary>What refusing a case may cost, managed allocation and resident peak alike: 64 MB of fixed headroom
    /// (exceptions, JSON documents, zip directories, GC segments touched for the first time) plus 16 bytes per byte of
    /// input, for the parsers that must hold what they were given (a 10 MB line is read into a buffer, decoded to UTF-16,
    /// and copied into a field). The lying lengths in the corpus claim 4 GB to 2^62 bytes; any allocation sized by them
    /// breaks this bound by orders of magnitude, and one sized by the input alone never reaches it.</summary>
    static long Budget(long inputBytes) => 64 * MB + 16 * inputBytes;

    /// <summary>The virtual peak only grows when something maps past the process's high-water mark (about 256 GB of
    /// address space the GC reserves, plus libtorch): a lazily backed allocation of a claimed 2^40 bytes would show
    /// here even though it never touches a page. 1 GB leaves room for thread stacks and allocator arenas.</summary>
    const long VirtualPeakBudget = 1024 * MB;

    [Theory]
    [MemberData(nameof(MalformedCorpus.Names), MemberType = typeof(MalformedCorpus))]
    public void MalformedInput_IsRefusedWithATypedErrorNamingFileAndProblem_InBoundedMemory(string caseName)
    {
        var malformed = MalformedCorpus.Get(caseName);
        var (input, namedFile) = malformed.Write(folder);
        long inputBytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        // The first refusal warms up (JIT, static tables, libtorch's first use); the second is measured.
        var first = Refuse(malformed, input);
        Exception? second = null;
        var cost = MemoryProbe.Measure(() => second = Refuse(malformed, input));
        output.WriteLine($"{caseName}: {inputBytes} input bytes; {cost}");
        output.WriteLine(first.Message.Length <= 600 ? first.Message : first.Message[..600] + "…");

        foreach (var error in new[] { first, second! })
        {
            Assert.True(error.GetType() == malformed.Expected,
                $"{caseName}: expected {malformed.Expected.Name}, got {error.GetType().FullName}: {error.Message}\n{error.StackTrace}");
            Assert.True(error.Message.Contains(namedFile, StringComparison.Ordinal), $"{caseName}: the message does not name {namedFile}: {error.Message}");
            Assert.True(error.Message.Contains(malformed.Problem, StringComparison.Ordinal), $"{caseName}: the message does not say '{malformed.Problem}': {error.Message}");
        }
        long budget = Budget(inputBytes);
        Assert.True(cost.AllocatedBytes < budget, $"{caseName}: allocated {cost.AllocatedBytes} bytes (budget {budget})");
        if (cost.ResidentPeakGrowthBytes is long resident)
            Assert.True(resident < budget, $"{caseName}: resident peak grew by {resident} bytes (budget {budget})");
        if (cost.VirtualPeakGrowthBytes is long mapped)
            Assert.True(mapped < VirtualPeakBudget, $"{caseName}: virtual peak grew by {mapped} bytes (budget {VirtualPeakBudget})");
    }

    /// <summary>Runs the parser on a worker thread and returns what it threw; fails if it hangs or accepts the input.</summary>
    static Exception Refuse(MalformedCase malformed, string input)
    {
        var run = Task.Run(() =>
        {
            var result = malformed.Parse(input);
            (result as IDisposable)?.Dispose();
        });
        bool returned;
        try { returned = run.Wait(HangDeadline); }
        catch (AggregateException) { returned = true; }
        Assert.True(returned, $"{malformed.Name}: the parser did not return within {HangDeadline.TotalSeconds} s");
        Assert.True(run.IsFaulted, $"{malformed.Name}: the malformed input was accepted");
        return run.Exception!.InnerException!;
    }

    [Fact]
    public void Corpus_HasAtLeastFortyCasesCoveringEveryFormat()
    {
        var formats = MalformedCorpus.All.GroupBy(c => c.Format.Split(' ')[0]).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Join(", ", formats.Select(f => $"{f.Key} {f.Value}")));
        Assert.True(MalformedCorpus.All.Count >= 40, $"only {MalformedCorpus.All.Count} cases");
        foreach (string format in new[] { "safetensors", "npy", "npz", "SAE", "vector", "dataset", "tokenizer", "model" })
            Assert.True(formats.ContainsKey(format), $"no case for {format}");
    }

    /// <summary>Spreadsheet formula strings (CSV injection) are not malformed: a prompt or completion may well start
    /// with '=', '+', '-' or '@', and the text goes to a model, never to a spreadsheet. The reader keeps them verbatim;
    /// neutralising them is the job of whatever exports CSV for spreadsheets (SteerLab has no such export today).</summary>
    [Fact]
    public void CsvFormulaStrings_AreReadAsPlainText()
    {
        string[] formulas = ["=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "=HYPERLINK(\"http://x.invalid\",\"click\")"];
        string path = Path.Combine(folder, "formulas.csv");
        File.WriteAllText(path, "prompt,positive,negative\n" + string.Join("\n", formulas.Select((f, i) =>
            $"\"{f.Replace("\"", "\"\"")}\",\"positive {i}\",\"negative {i}\"")) + "\n");

        var dataset = ContrastiveDatasetReader.Read(path);

        Assert.Equal(formulas, dataset.Pairs.Select(p => p.Prompt));
    }
}
