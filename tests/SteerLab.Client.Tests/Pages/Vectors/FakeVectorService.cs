using SteerLab.Shared.Vectors;

namespace SteerLab.Client.Tests.Pages.Vectors;

/// <summary>A vector library in memory that filters like the real one and remembers what the pages asked of it.</summary>
internal sealed class FakeVectorService : IVectorService
{
    public List<VectorSummary> Vectors { get; } = [];
    public Dictionary<Guid, VectorDetail> Details { get; } = [];
    public List<VectorQuery> Queries { get; } = [];
    public List<(byte[] Bytes, string Source)> Imports { get; } = [];
    public List<Guid> Deleted { get; } = [];
    public Func<byte[], VectorImportResult> ImportResult { get; set; } = _ => throw new InvalidOperationException("no import result set up");
    public Exception? ListFailure { get; set; }
    public long MaxImportBytes { get; set; } = 1024 * 1024;

    public Task<IReadOnlyList<VectorSummary>> ListAsync(VectorQuery query, CancellationToken cancellationToken = default)
    {
        Queries.Add(query);
        if (ListFailure is not null) throw ListFailure;
        IReadOnlyList<VectorSummary> found = Vectors
            .Where(v => query.Methods is not { Count: > 0 } || query.Methods.Contains(v.Method))
            .Where(v => query.Model is null || v.Model == query.Model)
            .Where(v => query.Hook is null || v.Hook == query.Hook)
            .Where(v => query.Text is null || v.Name.Contains(query.Text, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return Task.FromResult(found);
    }

    public Task<VectorFacets> GetFacetsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new VectorFacets(Vectors.Select(v => v.Model).Distinct().Order().ToList(), Vectors.Select(v => v.Hook).Distinct().Order().ToList()));

    public Task<VectorDetail?> GetAsync(Guid id, int topEntries = VectorDetail.DefaultTopEntries, CancellationToken cancellationToken = default) =>
        Task.FromResult(Details.GetValueOrDefault(id));

    public Task<VectorImportResult> ImportAsync(ReadOnlyMemory<byte> document, string source, CancellationToken cancellationToken = default)
    {
        Imports.Add((document.ToArray(), source));
        return Task.FromResult(ImportResult(document.ToArray()));
    }

    public Task<VectorExport?> ExportAsync(Guid id, CancellationToken cancellationToken = default) =>
        Task.FromResult<VectorExport?>(null);

    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        Deleted.Add(id);
        return Task.FromResult(Vectors.RemoveAll(v => v.Id == id) > 0 | Details.Remove(id));
    }

    public static VectorSummary Summary(string name, string method, string model = "stories260K", string hook = "blocks.2.hook_resid_post") =>
        new(Guid.NewGuid(), name, method, hook, model, method == VectorMethods.Sas, 1.5, 3, "romance-vs-press", "abc", new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc));
}
