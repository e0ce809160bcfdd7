using SteerLab.Engine.Hooks;
using SteerLab.Engine.Models;
using static TorchSharp.torch;

namespace SteerLab.Engine.Evaluation;

/// <summary>p(answer matching behaviour) for A/B questions (DESIGN §6, the paper's Figure-3 measurement): the
/// softmax over the two answer-letter logits at the last prompt position, p = 1 / (1 + exp(l_not − l_match)),
/// per question; the sweep averages it.
/// <para>Questions are run in left-padded batches with one forward each (no generation), so every prompt token
/// counts as a <i>prompt</i> token for the hooks: steering built with <see cref="PositionScope.Generated"/>
/// would touch nothing here. A/B sweeps therefore steer with <see cref="PositionScope.All"/> (CAA adds its vector
/// at every position after the instruction); the scope is whatever the caller's hooks were built with.</para></summary>
public static class AnswerProbability
{
    /// <summary>p(matching) for each question, in the questions' order.</summary>
    public static double[] PerQuestion(TransformerModel model, IReadOnlyList<AbQuestion> questions, HookSet? hooks = null,
        int batchSize = 16, int padId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(questions);
        var prompts = questions.Select(q => q.PromptIds).ToList();
        LeftPaddedBatch.Validate(model, prompts, "question", minLength: 1, padId);
        for (int i = 0; i < questions.Count; i++)
            foreach (int id in new[] { questions[i].MatchingTokenId, questions[i].NotMatchingTokenId })
                if (id < 0 || id >= model.Config.VocabSize)
                    throw new ArgumentException($"question {i}: answer token id {id} is outside the vocabulary [0, {model.Config.VocabSize})");

        var result = new double[questions.Count];
        foreach (var indices in LeftPaddedBatch.ByLength(prompts.Select(p => p.Count).ToList(), batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var rows = indices.Select(i => prompts[i]).ToList();
            using var batch = new LeftPaddedBatch(rows, padId);
            var logits = model.Forward(batch.Input(rows.Select(r => r.Count).ToArray(), hooks, lastLogitsOnly: true)); // [b, 1, vocab]
            var last = logits.select(1, 0);
            var matching = tensor(indices.Select(i => (long)questions[i].MatchingTokenId).ToArray(), device: last.device).unsqueeze(1);
            var other = tensor(indices.Select(i => (long)questions[i].NotMatchingTokenId).ToArray(), device: last.device).unsqueeze(1);
            var lMatch = last.gather(1, matching).squeeze(1).to(ScalarType.Float64).cpu().data<double>().ToArray();
            var lOther = last.gather(1, other).squeeze(1).to(ScalarType.Float64).cpu().data<double>().ToArray();
            for (int r = 0; r < indices.Length; r++)
                result[indices[r]] = 1.0 / (1.0 + Math.Exp(lOther[r] - lMatch[r]));
        }
        return result;
    }

    /// <summary>The mean of <see cref="PerQuestion"/>.</summary>
    public static double Mean(TransformerModel model, IReadOnlyList<AbQuestion> questions, HookSet? hooks = null,
        int batchSize = 16, int padId = 0, CancellationToken cancellationToken = default)
    {
        if (questions.Count == 0) throw new ArgumentException("no questions to average over");
        return PerQuestion(model, questions, hooks, batchSize, padId, cancellationToken).Average();
    }
}
