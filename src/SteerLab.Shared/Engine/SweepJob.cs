namespace SteerLab.Shared.Engine;

/// <summary>Parameters of a "sweep" job (DESIGN §6, A/B sweep): for each vector, mean p(answer matching behaviour) over
/// the test set's A/B questions at each coefficient of its grid. Vectors and the test set travel inside the
/// parameters because a remote worker cannot reach the server's database.</summary>
/// <param name="Model">A model folder relative to a model root ("steerlab-brown-demo").</param>
/// <param name="Vectors">The vectors, each with its own λ grid.</param>
/// <param name="TestSetName">The test set's name, for messages.</param>
/// <param name="TestSetPairsJson">The A/B pairs as a JSON array as the server stores them (CAA field names
/// question, answer_matching_behavior, answer_not_matching_behavior), read by the engine's A/B test-set reader.</param>
/// <param name="MaxQuestions">The first this many questions are scored.</param>
/// <param name="DeltaCorrection">SAS vectors keep the SAE's reconstruction error (Δ).</param>
public sealed record SweepJobParameters(
    string Model,
    SweepVectorParameters[] Vectors,
    string TestSetName,
    string TestSetPairsJson,
    int MaxQuestions = 50,
    bool DeltaCorrection = true);

/// <summary>One vector of a sweep.</summary>
/// <param name="VectorDocument">The steerlab.vector/1 JSON document.</param>
/// <param name="Lambdas">The coefficients to score it at (α for dense vectors, λ for SAS).</param>
/// <param name="Sae">For a sparse vector: its SAE folder, relative to a model root ("sae").</param>
/// <param name="VectorId">Its id in the library, carried into the result.</param>
public sealed record SweepVectorParameters(string VectorDocument, double[] Lambdas, string? Sae = null, Guid? VectorId = null);

/// <summary>What a "sweep" job produced: one series per vector, in the order of the parameters.</summary>
/// <param name="QuestionCount">Questions scored at every point (the test set's, capped at MaxQuestions).</param>
/// <param name="TestSetPairCount">Questions the test set has in all.</param>
public sealed record SweepJobResult(string Model, string TestSetName, int QuestionCount, int TestSetPairCount, SweepSeries[] Series);

/// <summary>One vector's curve.</summary>
/// <param name="Method">"caa", "topk_enr", "sas" or "sae_ts".</param>
public sealed record SweepSeries(Guid? VectorId, string Name, string Method, bool IsSparse, SweepPointResult[] Points);

/// <summary>Mean p(matching) at one coefficient, with its 95% interval (normal approximation, clipped to [0, 1]) over
/// <paramref name="Count"/> questions.</summary>
public sealed record SweepPointResult(double Lambda, double MeanProbability, double IntervalLow, double IntervalHigh, int Count);
