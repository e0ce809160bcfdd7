namespace SteerLab.Shared.Datasets;

/// <summary>Bounds on an upload, so the pages can refuse a file before sending it.</summary>
public sealed record DatasetUploadLimits(long MaxBytes, int MaxRows);

/// <summary>Contrastive datasets (DESIGN §8): check an upload without saving it, save it, list, read, rename, delete.
/// Implemented by the server over its database; the pages and the REST API both use it.</summary>
public interface IDatasetService
{
    DatasetUploadLimits Limits { get; }

    /// <summary>Reads and checks an uploaded file (JSON, JSONL or CSV, by <paramref name="fileName"/>'s extension)
    /// and saves nothing. Problems of the file are in the report, not thrown.</summary>
    Task<DatasetValidationResult> ValidateAsync(Stream content, string fileName, CancellationToken cancellationToken = default);

    /// <summary>Checks an uploaded file and saves it when every row is good; returns the existing dataset instead
    /// when the same pairs are already saved. A blank <paramref name="name"/> becomes the file name without its
    /// extension. Throws <see cref="ArgumentException"/> for a name or description <see cref="DatasetTexts"/>
    /// refuses.</summary>
    Task<DatasetSaveResult> SaveAsync(Stream content, string fileName, string? name, string? description, CancellationToken cancellationToken = default);

    /// <summary>Every dataset, newest first.</summary>
    Task<IReadOnlyList<DatasetSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The dataset with its first pairs, or null when there is none with that id.</summary>
    Task<DatasetDetail?> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Pairs <paramref name="skip"/> … <paramref name="skip"/> + <paramref name="take"/> − 1 (0-based), or
    /// null when there is no dataset with that id.</summary>
    Task<DatasetPairPage?> GetPairsAsync(Guid id, int skip, int take, CancellationToken cancellationToken = default);

    /// <summary>Renames and/or re-describes a dataset; null when there is none with that id. Throws
    /// <see cref="ArgumentException"/> for a name or description <see cref="DatasetTexts"/> refuses.</summary>
    Task<DatasetSummary?> UpdateAsync(Guid id, DatasetEdit edit, CancellationToken cancellationToken = default);

    /// <summary>Deletes a dataset; false when there was none with that id. Vectors built from it keep its name and
    /// hash as their provenance.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}
