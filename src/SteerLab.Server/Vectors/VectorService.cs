using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SteerLab.Engine.Hooks;
using SteerLab.Engine.Steering;
using SteerLab.Engine.Steering.Documents;
using SteerLab.Server.Accounts;
using SteerLab.Server.Data;
using SteerLab.Shared.Accounts;
using SteerLab.Shared.Vectors;

namespace SteerLab.Server.Vectors;

/// <summary>The vector library over the database. A stored vector is its steerlab.vector/1 document exactly as the
/// engine writes it (<see cref="VectorDocument.ToJson"/>), plus copies of the fields lists filter on. Documents come in
/// only through the engine's <see cref="VectorDocumentReader"/>, so the library holds nothing the engine cannot read.
/// Reads see the caller's team's vectors and those shared with it (<see cref="VectorVisibility"/>); writes only the team's
/// own (<see cref="TeamScope"/>). Another team's vector is "not found"; one shared with the team is read-only (403).</summary>
public sealed class VectorService(
    IDbContextFactory<SteerLabDbContext> contexts,
    TeamScope scope,
    ImportModelShapes models,
    IOptions<VectorLibraryOptions> options,
    ILogger<VectorService> logger) : IVectorService
{
    public long MaxImportBytes => options.Value.MaxImportBytes;

    public async Task<IReadOnlyList<VectorSummary>> ListAsync(VectorQuery query, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        IQueryable<SteeringVectorEntity> rows = db.Vectors.AsNoTracking().ReadableBy(db, team);
        if (query.Methods is { Count: > 0 })
        {
            var methods = query.Methods.ToList();
            rows = rows.Where(v => methods.Contains(v.Method));
        }
        if (!string.IsNullOrWhiteSpace(query.Model)) rows = rows.Where(v => v.Model == query.Model);
        if (!string.IsNullOrWhiteSpace(query.Hook)) rows = rows.Where(v => v.Hook == query.Hook);
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            string text = query.Text.Trim().ToLowerInvariant();
            rows = rows.Where(v => v.Name.ToLower().Contains(text));
        }
        var found = await rows.OrderByDescending(v => v.CreatedAt).ThenBy(v => v.Name).ThenBy(v => v.Id)
            .Take(Math.Clamp(query.Take, 1, VectorQuery.MaxTake)).ToListAsync(cancellationToken);
        var owners = await VectorVisibility.OwnerNamesAsync(db, found, team, cancellationToken);
        return found.Select(v => VectorViews.ToSummary(v) with { SharedFrom = v.TeamId == team ? null : owners.GetValueOrDefault(v.TeamId, "another team") }).ToList();
    }

    public async Task<VectorFacets> GetFacetsAsync(CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var modelIds = await db.Vectors.ReadableBy(db, team).Select(v => v.Model).Distinct().ToListAsync(cancellationToken);
        var hooks = await db.Vectors.ReadableBy(db, team).Select(v => v.Hook).Distinct().ToListAsync(cancellationToken);
        // Hooks by layer then kind ("blocks.2…" before "blocks.10…"), as people read them.
        return new VectorFacets(
            modelIds.Order(StringComparer.Ordinal).ToList(),
            hooks.OrderBy(h => HookPoint.TryParse(h, out var p) ? p.Layer : int.MaxValue).ThenBy(h => h, StringComparer.Ordinal).ToList());
    }

    public async Task<VectorDetail?> GetAsync(Guid id, int topEntries = VectorDetail.DefaultTopEntries, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await db.Vectors.AsNoTracking().ReadableBy(db, team).FirstOrDefaultAsync(v => v.Id == id, cancellationToken);
        if (entity is null) return null;
        var detail = Detail(entity, topEntries);
        if (entity.TeamId == team) return detail;
        var owners = await VectorVisibility.OwnerNamesAsync(db, [entity], team, cancellationToken);
        return detail with { Summary = detail.Summary with { SharedFrom = owners.GetValueOrDefault(entity.TeamId, "another team") } };
    }

    /// <summary>The detail of a stored vector, whoever may read it (also a link's anonymous reader).</summary>
    public VectorDetail Detail(SteeringVectorEntity entity, int topEntries) =>
        VectorViews.ToDetail(entity, ReadStored(entity), Math.Clamp(topEntries, 0, VectorDetail.MaxTopEntries));

    public async Task<VectorExport?> ExportAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var team = await scope.TeamIdAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.Vectors.AsNoTracking().ReadableBy(db, team).Where(v => v.Id == id)
            .Select(v => new { v.Name, v.DocumentJson }).FirstOrDefaultAsync(cancellationToken);
        return stored is null ? null : new VectorExport(VectorFileNames.For(stored.Name, id), stored.DocumentJson);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var caller = await scope.GetAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // A viewer is refused (403) only for a vector of their own team; another team's is not found (404), unless it is
        // shared with this team: then the team knows it exists, and may read but not delete it (403).
        if (!caller.Can(TeamRoles.Editor) && await db.Vectors.AnyAsync(v => v.Id == id && v.TeamId == caller.TeamId, cancellationToken))
            await scope.RequireAsync(TeamRoles.Editor, cancellationToken);
        if (await db.Vectors.ReadableBy(db, caller.TeamId).AnyAsync(v => v.Id == id && v.TeamId != caller.TeamId, cancellationToken))
            throw new TeamAccessDeniedException("this vector is shared with your team read-only; only its own team can delete it");
        var team = caller.TeamId;
        bool deleted = await db.Vectors.Where(v => v.Id == id && v.TeamId == team).ExecuteDeleteAsync(cancellationToken) > 0;
        if (deleted) logger.LogInformation("Deleted vector {Id}", id);
        return deleted;
    }

    public async Task<VectorImportResult> ImportAsync(ReadOnlyMemory<byte> document, string source, CancellationToken cancellationToken = default)
    {
        var team = (await scope.RequireAsync(TeamRoles.Editor, cancellationToken)).TeamId;
        if (document.Length > MaxImportBytes)
            return VectorImportResult.Refused(VectorImportOutcome.TooLarge,
                [new("$", $"the document is {document.Length:N0} bytes; the import limit is {MaxImportBytes:N0} bytes ({VectorLibraryOptions.SectionName}:MaxImportBytes)")]);

        SteeringVector vector;
        try { vector = Read(document.Span, source); }
        catch (VectorImportException e) { return VectorImportResult.Refused(VectorImportOutcome.Invalid, e.Problems.Select(p => new VectorImportProblem(p.Path, p.Message)).ToList()); }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var storageProblems = StorageProblems(db, vector);
        if (storageProblems.Count > 0) return VectorImportResult.Refused(VectorImportOutcome.Invalid, storageProblems);

        string? note = null;
        if (!VectorIds.TryUseAsIs(vector.Id, out Guid id))
        {
            id = VectorIds.DerivedFrom(vector.Id);
            note = $"The document's id \"{Shorten(vector.Id)}\" is not a GUID; the vector is stored under {id:N}, derived from it.";
            vector = vector with { Id = id.ToString("N") };
        }
        // Ids are unique across teams. An id another team already uses (the same demo vector, a shared file) is replaced
        // by one derived from the team and the id, so importing it again into this team still finds it.
        if (await db.Vectors.AnyAsync(v => v.Id == id && v.TeamId != team, cancellationToken))
        {
            id = VectorIds.DerivedFrom($"{team:N}/{vector.Id}");
            note = $"The document's id is already used; the vector is stored under {id:N}, derived from it.";
            vector = vector with { Id = id.ToString("N") };
        }
        string json = VectorDocument.ToJson(vector);

        if (await db.Vectors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id && v.TeamId == team, cancellationToken) is { } existing)
            return Existing(existing, json);
        var entity = ToEntity(vector, id, json, team);
        db.Vectors.Add(entity);
        try { await db.SaveChangesAsync(cancellationToken); }
        catch (DbUpdateException)
        {
            // Another import of the same id won the race: answer as if it had come first.
            await using var again = await contexts.CreateDbContextAsync(cancellationToken);
            if (await again.Vectors.AsNoTracking().FirstOrDefaultAsync(v => v.Id == id && v.TeamId == team, cancellationToken) is { } winner) return Existing(winner, json);
            throw;
        }
        logger.LogInformation("Imported vector {Id} '{Name}' ({Method}, {Hook}, {Model}) from {Source}", id, entity.Name, entity.Method, entity.Hook, entity.Model, source);
        return new VectorImportResult(VectorImportOutcome.Imported, VectorViews.ToSummary(entity), [], 0, note);
    }

    /// <summary>Adds a vector an engine job built to the library, on <paramref name="db"/> (the caller saves it, in the
    /// same transaction as the job's end), in the team that started the job. The document goes through the same reader
    /// and storage checks as an import. Returns the stored row, or the problems that kept it out.</summary>
    public (SteeringVectorEntity? Stored, IReadOnlyList<VectorImportProblem> Problems) AddBuilt(SteerLabDbContext db, string documentJson, string source, Guid teamId)
    {
        SteeringVector vector;
        try { vector = Read(Encoding.UTF8.GetBytes(documentJson), source); }
        catch (VectorImportException e) { return (null, e.Problems.Select(p => new VectorImportProblem(p.Path, p.Message)).ToList()); }
        var problems = StorageProblems(db, vector);
        if (problems.Count > 0) return (null, problems);
        // A build is a new vector: it gets a fresh id even when the engine's id would do.
        var id = Guid.NewGuid();
        vector = vector with { Id = id.ToString("N") };
        var entity = ToEntity(vector, id, VectorDocument.ToJson(vector), teamId);
        db.Vectors.Add(entity);
        logger.LogInformation("Built vector {Id} '{Name}' ({Method}, {Hook}, {Model}) by {Source}", id, entity.Name, entity.Method, entity.Hook, entity.Model, source);
        return (entity, []);
    }

    /// <summary>The library row for a vector: its document and the fields lists filter on.</summary>
    static SteeringVectorEntity ToEntity(SteeringVector vector, Guid id, string documentJson, Guid teamId) => new()
    {
        Id = id,
        TeamId = teamId,
        Name = vector.Name,
        Method = VectorDocument.MethodName(vector.Method),
        Hook = vector.Hook.Name,
        Model = vector.ModelId,
        DatasetHash = vector.Dataset?.ContentHash,
        SaeId = SaeId(vector),
        DocumentJson = documentJson,
        CreatedAt = vector.CreatedAt.UtcDateTime,
    };

    /// <summary>The engine's reader does all the validation; when the document's model is one this server has, it is
    /// also checked against that model's d_model and layer count.</summary>
    SteeringVector Read(ReadOnlySpan<byte> document, string source) => VectorDocumentReader.Parse(document, source, models.FindFor(document));

    /// <summary>What the library needs beyond a readable document: a name and a model to list it by, and fields that
    /// fit their columns (the limits are the database model's own).</summary>
    static List<VectorImportProblem> StorageProblems(SteerLabDbContext db, SteeringVector vector)
    {
        var columns = db.Model.FindEntityType(typeof(SteeringVectorEntity))!;
        List<VectorImportProblem> problems = [];
        void Check(string path, string? value, string property, bool required)
        {
            int? max = columns.FindProperty(property)?.GetMaxLength();
            if (required && string.IsNullOrWhiteSpace(value)) problems.Add(new(path, "must not be empty"));
            else if (value is not null && max is int limit && value.Length > limit) problems.Add(new(path, $"is {value.Length} characters long; at most {limit} are stored"));
        }
        Check("$.name", vector.Name, nameof(SteeringVectorEntity.Name), required: true);
        Check("$.model.id", vector.ModelId, nameof(SteeringVectorEntity.Model), required: true);
        Check("$.dataset.content_hash", vector.Dataset?.ContentHash, nameof(SteeringVectorEntity.DatasetHash), required: false);
        Check("$.sae", SaeId(vector), nameof(SteeringVectorEntity.SaeId), required: false);
        return problems;
    }

    VectorImportResult Existing(SteeringVectorEntity existing, string json)
    {
        if (SameDocument(existing, json)) return new VectorImportResult(VectorImportOutcome.AlreadyPresent, VectorViews.ToSummary(existing), [], 0,
            "This vector is already in the library; nothing was changed.");
        VectorImportProblem conflict = new("$.id",
            $"a different vector with this id is already in the library (\"{Shorten(existing.Name)}\"); delete it first, or give the document a new id");
        return VectorImportResult.Refused(VectorImportOutcome.Conflict, [conflict]);
    }

    /// <summary>Both written by the engine now, so that a copy stored by an older SteerLab (another software version in
    /// the document) still counts as the same vector.</summary>
    bool SameDocument(SteeringVectorEntity existing, string json)
    {
        if (existing.DocumentJson == json) return true;
        try { return VectorDocument.ToJson(ReadStored(existing)) == json; }
        catch (InvalidOperationException) { return false; }
    }

    SteeringVector ReadStored(SteeringVectorEntity entity)
    {
        try { return VectorDocumentReader.Parse(Encoding.UTF8.GetBytes(entity.DocumentJson), $"stored vector {entity.Id}"); }
        catch (VectorImportException e)
        {
            logger.LogError("Stored vector {Id} no longer reads: {Problem}", entity.Id, e.Message);
            throw new InvalidOperationException($"The stored document of vector {entity.Id} cannot be read: {e.Message}", e);
        }
    }

    static string? SaeId(SteeringVector vector) => vector.Sae is { } sae ? $"{sae.Release}/{sae.Id}" : null;

    static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
