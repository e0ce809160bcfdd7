namespace SteerLab.Engine.Evaluation.OpenEnded;

/// <summary>One open-ended question (CAA's <c>test_dataset_open_ended.json</c>: <c>{"question": "…"}</c>).</summary>
public sealed record OpenQuestion(string Question);
