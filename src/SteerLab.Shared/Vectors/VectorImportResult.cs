namespace SteerLab.Shared.Vectors;

public enum VectorImportOutcome
{
    /// <summary>Stored as a new vector.</summary>
    Imported,
    /// <summary>The library already holds this very document (same id, same content); nothing changed.</summary>
    AlreadyPresent,
    /// <summary>The document failed validation; <see cref="VectorImportResult.Problems"/> says where and why.</summary>
    Invalid,
    /// <summary>A different vector with the document's id is already in the library.</summary>
    Conflict,
    /// <summary>The document is larger than the import limit.</summary>
    TooLarge,
}

/// <summary>One thing wrong with an imported document, at a JSON path such as <c>$.values.indices[3]</c>.</summary>
public sealed record VectorImportProblem(string Path, string Message);

/// <summary>What importing a vector document did.</summary>
/// <param name="Vector">The stored vector (imported or already present); null when the import was refused.</param>
/// <param name="Problems">Why it was refused, each at its JSON path; at most <see cref="MaxReportedProblems"/> of them.</param>
/// <param name="ProblemCount">How many problems there were in all (more than listed only for pathological documents).</param>
/// <param name="Note">Something the user should know about a successful import (e.g. the vector was given a new id).</param>
public sealed record VectorImportResult(
    VectorImportOutcome Outcome,
    VectorSummary? Vector,
    IReadOnlyList<VectorImportProblem> Problems,
    int ProblemCount,
    string? Note = null)
{
    /// <summary>A document with a million bad numbers has a million problems; the first ones are enough to act on.</summary>
    public const int MaxReportedProblems = 1000;

    public bool Succeeded => Outcome is VectorImportOutcome.Imported or VectorImportOutcome.AlreadyPresent;

    public static VectorImportResult Refused(VectorImportOutcome outcome, IReadOnlyCollection<VectorImportProblem> problems) =>
        new(outcome, null, problems.Take(MaxReportedProblems).ToList(), problems.Count);
}

/// <summary>A vector document to download.</summary>
/// <param name="FileName">A file name made from the vector's name (see <see cref="VectorFileNames"/>).</param>
/// <param name="Json">The steerlab.vector/1 document exactly as stored.</param>
public sealed record VectorExport(string FileName, string Json);
