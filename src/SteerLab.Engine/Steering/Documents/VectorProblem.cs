namespace SteerLab.Engine.Steering.Documents;

/// <summary>One thing wrong with an imported vector, at a JSON path such as <c>$.values.indices[3]</c>.</summary>
public sealed record VectorProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>An imported vector document that failed validation; <see cref="Problems"/> lists every problem.</summary>
public sealed class VectorImportException(string source, IReadOnlyList<VectorProblem> problems)
    : FormatException($"{source}: {problems.Count} problem(s): " + string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? "; …" : ""))
{
    public IReadOnlyList<VectorProblem> Problems { get; } = problems;
}
