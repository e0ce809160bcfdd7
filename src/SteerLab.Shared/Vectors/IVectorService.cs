namespace SteerLab.Shared.Vectors;

/// <summary>The vector library: list, read, import, export and delete steerlab.vector/1 documents (DESIGN §7).
/// Implemented by the server over its database; the pages use nothing else.</summary>
public interface IVectorService
{
    /// <summary>The largest document <see cref="ImportAsync"/> accepts, in bytes.</summary>
    long MaxImportBytes { get; }

    Task<IReadOnlyList<VectorSummary>> ListAsync(VectorQuery query, CancellationToken cancellationToken = default);

    Task<VectorFacets> GetFacetsAsync(CancellationToken cancellationToken = default);

    /// <summary>The vector with its <paramref name="topEntries"/> largest entries; null when there is no such vector.</summary>
    Task<VectorDetail?> GetAsync(Guid id, int topEntries = VectorDetail.DefaultTopEntries, CancellationToken cancellationToken = default);

    /// <summary>Validates a document and stores it. Never throws for a bad document: the result lists every problem.</summary>
    /// <param name="source">Where the document came from (a file name), for messages and logs.</param>
    Task<VectorImportResult> ImportAsync(ReadOnlyMemory<byte> document, string source, CancellationToken cancellationToken = default);

    /// <summary>The stored document; null when there is no such vector.</summary>
    Task<VectorExport?> ExportAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>False when there was no such vector.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}
