using System.Text;
using SteerLab.Shared.Datasets;

namespace SteerLab.Client.Tests.Components;

/// <summary>A dataset service that answers what the test tells it to and records what it was sent. A test can hold a
/// check or a save open (<see cref="Gate"/>) to look at the page while it runs.</summary>
internal sealed class FakeDatasetService : IDatasetService
{
    public DatasetUploadLimits Limits { get; set; } = new(1024 * 1024, 1000);
    public Func<string, string, DatasetValidationResult> Validate { get; set; } = (text, fileName) => ValidReport(fileName);
    public Func<DatasetValidationResult, string?, string?, DatasetSaveResult> Save { get; set; } = (report, name, description) =>
        new(DatasetSaveOutcome.Created, Summary(name ?? "x", report.PairCount), report);
    public Exception? ValidateThrows { get; set; }
    /// <summary>When set, checks and saves wait for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public List<(string Text, string FileName)> Validated { get; } = [];
    public List<(string Text, string FileName, string? Name, string? Description)> Saved { get; } = [];

    public async Task<DatasetValidationResult> ValidateAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        string text = await ReadAsync(content);
        Validated.Add((text, fileName));
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        if (ValidateThrows is { } failure) throw failure;
        return Validate(text, fileName);
    }

    public async Task<DatasetSaveResult> SaveAsync(Stream content, string fileName, string? name, string? description, CancellationToken cancellationToken = default)
    {
        string text = await ReadAsync(content);
        Saved.Add((text, fileName, name, description));
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return Save(Validate(text, fileName), name, description);
    }

    /// <summary>The one saved dataset and its pairs, for the list and details pages.</summary>
    public (DatasetSummary Dataset, List<DatasetPair> Pairs)? Stored { get; set; }
    public List<(Guid Id, int Skip, int Take)> PagesAsked { get; } = [];
    public List<DatasetEdit> Edits { get; } = [];

    public Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DatasetSummary>>(Stored is { } stored ? [stored.Dataset] : []);

    public Task<DatasetDetail?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Stored is { } stored && stored.Dataset.Id == id ? new DatasetDetail(stored.Dataset, stored.Pairs.Take(10).ToList()) : null);

    public Task<DatasetPairPage?> GetPairsAsync(Guid id, int skip, int take, CancellationToken cancellationToken = default)
    {
        PagesAsked.Add((id, skip, take));
        return Task.FromResult(Stored is { } stored && stored.Dataset.Id == id
            ? new DatasetPairPage(stored.Pairs.Count, skip, stored.Pairs.Skip(skip).Take(take).ToList()) : null);
    }

    public Task<DatasetSummary?> UpdateAsync(Guid id, DatasetEdit edit, CancellationToken cancellationToken = default)
    {
        Edits.Add(edit);
        if (Stored is not { } stored || stored.Dataset.Id != id) return Task.FromResult<DatasetSummary?>(null);
        var updated = stored.Dataset with { Name = edit.Name?.Trim() ?? stored.Dataset.Name, Description = edit.Description?.Trim() ?? stored.Dataset.Description };
        Stored = (updated, stored.Pairs);
        return Task.FromResult<DatasetSummary?>(updated);
    }

    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Task.FromResult(false);

    static async Task<string> ReadAsync(Stream content)
    {
        using var reader = new StreamReader(content, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    public static DatasetSummary Summary(string name, int pairs, DatasetSummary? like = null) =>
        new(like?.Id ?? Guid.NewGuid(), name, "", DatasetPairKind.Completion, pairs, new string('a', 64), new DateTime(2025, 3, 4, 5, 6, 0, DateTimeKind.Utc));

    public static DatasetValidationResult ValidReport(string fileName, DatasetSummary? existing = null) => new(
        fileName, DatasetFormat.Csv, DatasetLayout.PlainPairs, DatasetPairKind.Completion, 3, "0123456789abcdef" + new string('0', 48), 0, [],
        [new(1, "Tell me about cats.", "Cats are lovely.", "Cats are awful."), new(2, "Dogs?", "Loyal.", "Loud."), new(3, "", "Yes", "No")],
        existing);

    public static DatasetValidationResult InvalidReport(string fileName, int problemCount, params DatasetProblem[] problems) =>
        new(fileName, DatasetFormat.Csv, null, null, 0, null, problemCount, problems, [], null);
}
