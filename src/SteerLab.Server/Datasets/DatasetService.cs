using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Steering.Datasets;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Datasets;

namespace SteerLab.Server.Datasets;

/// <summary>Datasets over the database (DESIGN §8): uploads are read by the engine's readers, saved whole or not at
/// all, and versioned by the content hash of their pairs; the same pairs are saved once per team. Every query is limited
/// to the caller's team (<see cref="TeamScope"/>): another team's dataset is "not found", never "forbidden".</summary>
public sealed class DatasetService(
    IDbContextFactory<SteerLabDbContext> contexts,
    TeamScope scope,
    IOptions<DatasetOptions> options,
    TimeProvider time,
    ILogger<DatasetService> logger) : IDatasetService
{
    /// <summary>Pairs shown with a dataset's details.</summary>
    public const int DetailPairs = 10;

    public DatasetUploadLimits Limits => new(options.Value.MaxUploadBytes, options.Value.MaxRows);

    public async Task<DatasetValidationResult> ValidateAsync(Stream content, string fileName, CancellationToken cancellationToken = default) =>
        (await CheckAsync(content, fileName, cancellationToken)).Report;

    public async Task<DatasetSaveResult> SaveAsync(Stream content, string fileName, string? name, string? description, CancellationToken cancellationToken = default)
    {
        name = string.IsNullOrWhiteSpace(name) ? DefaultName(fileName) : name.Trim();
        description = description?.Trim() ?? "";
        CheckTexts(name, description);
        await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        var (dataset, report) = await CheckAsync(content, fileName, cancellationToken);
        if (dataset is null) return new DatasetSaveResult(DatasetSaveOutcome.Invalid, null, report);
        if (report.Existing is { } existing) return new DatasetSaveResult(DatasetSaveOutcome.AlreadyExists, existing, report);
        var (saved, created) = await AddIfNewAsync(dataset, name, description, cancellationToken);
        return new DatasetSaveResult(created ? DatasetSaveOutcome.Created : DatasetSaveOutcome.AlreadyExists, saved, report);
    }

    /// <summary>Saves the pairs unless a dataset with the same content hash exists, which is returned instead (also
    /// when another request or server instance saved the same pairs a moment earlier).</summary>
    public async Task<(DatasetSummary Dataset, bool Created)> AddIfNewAsync(ContrastiveDataset dataset, string name, string description, CancellationToken cancellationToken)
    {
        var team = (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId;
        if (await FindByHashAsync(dataset.ContentHash, cancellationToken) is { } existing) return (existing, false);
        var row = new Dataset
        {
            Id = Guid.NewGuid(),
            TeamId = team,
            Name = name,
            Description = description,
            ContentHash = dataset.ContentHash,
            PairCount = dataset.Pairs.Count,
            PairsJson = DatasetPairsJson.Write(dataset),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Datasets.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique (name, hash) index refused a second copy saved at the same moment: return the first.
            if (await FindByHashAsync(dataset.ContentHash, cancellationToken) is { } raced) return (raced, false);
            throw;
        }
        logger.LogInformation("Saved dataset {Name} ({Pairs} pairs, {Hash})", name, row.PairCount, row.ContentHash);
        return (Summary(row), true);
    }

    public async Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Datasets.AsNoTracking().Where(d => d.TeamId == team).OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Name)
            .Select(ToSummary).ToListAsync(cancellationToken);
    }

    public async Task<DatasetDetail?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id && d.TeamId == team, cancellationToken) is not { } row) return null;
        return new DatasetDetail(Summary(row), DatasetPairsJson.Page(row.PairsJson, 0, DetailPairs).Pairs);
    }

    public async Task<DatasetPairPage?> GetPairsAsync(Guid id, int skip, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, DatasetPairPage.MaxTake);
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        string? pairs = await db.Datasets.Where(d => d.Id == id && d.TeamId == team).Select(d => d.PairsJson).SingleOrDefaultAsync(cancellationToken);
        return pairs is null ? null : DatasetPairsJson.Page(pairs, skip, take);
    }

    public async Task<DatasetSummary?> UpdateAsync(Guid id, DatasetEdit edit, CancellationToken cancellationToken = default)
    {
        string? name = edit.Name?.Trim(), description = edit.Description?.Trim();
        if (name is not null && DatasetTexts.NameProblem(name) is { } nameProblem) throw new ArgumentException($"name: {nameProblem}", nameof(edit));
        if (DatasetTexts.DescriptionProblem(description) is { } descriptionProblem) throw new ArgumentException($"description: {descriptionProblem}", nameof(edit));
        var team = await TeamToEditAsync(id, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Datasets.SingleOrDefaultAsync(d => d.Id == id && d.TeamId == team, cancellationToken) is not { } row) return null;
        if (name is not null) row.Name = name;
        if (description is not null) row.Description = description;
        await db.SaveChangesAsync(cancellationToken);
        return Summary(row);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = await TeamToEditAsync(id, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Datasets.Where(d => d.Id == id && d.TeamId == team).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>The caller's team when they may edit there. A viewer asking about a dataset of their own team is refused
    /// (403); a dataset of another team is simply not found (404), so ids cannot be probed.</summary>
    async Task<Guid> TeamToEditAsync(Guid id, CancellationToken cancellationToken)
    {
        var caller = await scope.GetAsync(cancellationToken);
        if (!caller.Can(TeamRoles.Editor))
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (await db.Datasets.AnyAsync(d => d.Id == id && d.TeamId == caller.TeamId, cancellationToken))
                await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        }
        return caller.TeamId;
    }

    /// <summary>A saved dataset's pairs for the engine (vector building), or null when there is none with that id.</summary>
    public async Task<ContrastiveDataset?> LoadAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Datasets.AsNoTracking().Where(d => d.Id == id && d.TeamId == team).Select(d => new { d.Name, d.PairsJson }).SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : DatasetPairsJson.Read(row.PairsJson, row.Name);
    }

    async Task<(ContrastiveDataset? Dataset, DatasetValidationResult Report)> CheckAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        fileName = Path.GetFileName(fileName);
        // One byte past the limit is enough for the engine's reader to say the file is too large.
        byte[] bytes = await ReadAtMostAsync(content, settings.MaxUploadBytes + 1, cancellationToken);
        // Parsing is CPU work: off the caller's thread, so a page can show its progress meanwhile.
        var parsed = await Task.Run(() => DatasetUploadParser.Parse(bytes, fileName, settings.ReaderLimits), cancellationToken);
        if (parsed.Dataset is not { } dataset)
        {
            var problems = parsed.Errors.Take(DatasetValidationResult.MaxListedProblems)
                .Select(e => new DatasetProblem(e.Line, e.Index + 1, e.Field, e.Reason)).ToList();
            return (null, new DatasetValidationResult(fileName, parsed.Format, null, null, 0, null, parsed.Errors.Count, problems, [], null));
        }
        var existing = await FindByHashAsync(dataset.ContentHash, cancellationToken);
        var kind = dataset.Kind == PairKind.AnswerChoice ? DatasetPairKind.AnswerChoice : DatasetPairKind.Completion;
        return (dataset, new DatasetValidationResult(fileName, parsed.Format, parsed.Layout, kind, dataset.Pairs.Count, dataset.ContentHash, 0, [],
            DatasetPairsJson.Preview(dataset, DatasetValidationResult.PreviewPairs), existing));
    }

    async Task<DatasetSummary?> FindByHashAsync(string contentHash, CancellationToken cancellationToken)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Datasets.AsNoTracking().Where(d => d.TeamId == team && d.ContentHash == contentHash).OrderBy(d => d.CreatedAt)
            .Select(ToSummary).FirstOrDefaultAsync(cancellationToken);
    }

    static async Task<byte[]> ReadAtMostAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < maxBytes && (read = await content.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes - buffer.Length)), cancellationToken)) > 0)
            buffer.Write(chunk, 0, read);
        return buffer.ToArray();
    }

    static void CheckTexts(string name, string description)
    {
        if (DatasetTexts.NameProblem(name) is { } nameProblem) throw new ArgumentException($"name: {nameProblem}", nameof(name));
        if (DatasetTexts.DescriptionProblem(description) is { } descriptionProblem) throw new ArgumentException($"description: {descriptionProblem}", nameof(description));
    }

    /// <summary>The file name without its extension, cut to the longest name allowed.</summary>
    static string DefaultName(string fileName)
    {
        string name = Path.GetFileNameWithoutExtension(Path.GetFileName(fileName)).Trim();
        if (name.Length == 0) name = "dataset";
        return name.Length > DatasetTexts.MaxNameLength ? name[..DatasetTexts.MaxNameLength] : name;
    }

    static DatasetSummary Summary(Dataset row) =>
        new(row.Id, row.Name, row.Description, DatasetPairsJson.KindOf(row.PairsJson), row.PairCount, row.ContentHash, row.CreatedAt);

    /// <summary><see cref="Summary"/> as a query, which reads only the start of the pairs to tell their kind.</summary>
    static readonly Expression<Func<Dataset, DatasetSummary>> ToSummary = d => new DatasetSummary(
        d.Id, d.Name, d.Description,
        d.PairsJson.StartsWith(DatasetPairsJson.AnswerChoicePrefix) ? DatasetPairKind.AnswerChoice : DatasetPairKind.Completion,
        d.PairCount, d.ContentHash, d.CreatedAt);
}
