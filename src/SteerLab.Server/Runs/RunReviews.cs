using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SteerLab.Server.Data;
using SteerLab.Shared.Runs;

namespace SteerLab.Server.Runs;

/// <summary>Blind team review (DESIGN §6, Team review): a reviewer is handed the (answer, rubric item) pairs they have not
/// scored yet, one at a time, without the judge's score, λ or whether the answer was steered, in an order shuffled per
/// reviewer (so reviewers do not all score the same first answers, and nobody reads them in λ order); their own 0–10
/// score is recorded or replaced.</summary>
public static class RunReviews
{
    public const int MinScore = 0;
    public const int MaxScore = 10;

    public static async Task<ReviewItem?> NextAsync(SteerLabDbContext db, Guid runId, string behaviourDescription, Guid reviewerId, CancellationToken cancellationToken)
    {
        var answerIds = await db.RunAnswers.AsNoTracking().Where(a => a.RunId == runId).Select(a => a.Id).ToListAsync(cancellationToken);
        if (answerIds.Count == 0) return null;
        var scored = (await db.ReviewScores.AsNoTracking().Where(r => r.RunId == runId && r.ReviewerId == reviewerId)
            .Select(r => new { r.AnswerId, r.Item }).ToListAsync(cancellationToken)).Select(r => (r.AnswerId, r.Item)).ToHashSet();
        var open = answerIds.SelectMany(id => RubricItems.All.Select(item => (AnswerId: id, Item: item))).Where(pair => !scored.Contains(pair)).ToList();
        if (open.Count == 0) return null;
        // An answer's two items stay together (read once, score both); answers come in the reviewer's own order.
        var next = open.OrderBy(pair => ShuffleKey(reviewerId, pair.AnswerId)).ThenBy(pair => pair.AnswerId)
            .ThenBy(pair => RubricItems.All.ToList().IndexOf(pair.Item)).First();
        var answer = await db.RunAnswers.AsNoTracking().Where(a => a.Id == next.AnswerId).Select(a => new { a.Question, a.Text }).SingleAsync(cancellationToken);
        return new ReviewItem(next.AnswerId, next.Item, answer.Question, answer.Text, behaviourDescription, open.Count, answerIds.Count * RubricItems.All.Count);
    }

    /// <summary>A stable pseudo-random position of an answer in one reviewer's queue: the first 8 bytes of
    /// SHA-256(reviewer id ‖ answer id). Stable across requests (the queue does not jump about between items) and
    /// different for each reviewer.</summary>
    public static ulong ShuffleKey(Guid reviewerId, long answerId)
    {
        Span<byte> input = stackalloc byte[24];
        reviewerId.TryWriteBytes(input[..16]);
        BinaryPrimitives.WriteInt64LittleEndian(input[16..], answerId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>Records or replaces the reviewer's score; errors by field (item, score, answerId) and nothing stored
    /// when the review is not valid.</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> SubmitAsync(SteerLabDbContext db, Guid runId, Guid reviewerId, ReviewScoreRequest? review,
        DateTime now, CancellationToken cancellationToken)
    {
        if (review is null) return FieldErrors.One("review", "send a review: answerId, item and score");
        var errors = new FieldErrors();
        if (!RubricItems.All.Contains(review.Item)) errors.Add("item", $"must be one of {string.Join(", ", RubricItems.All)}, not '{review.Item}'");
        if (review.Score is < MinScore or > MaxScore) errors.Add("score", $"must be a whole number from {MinScore} to {MaxScore}, got {review.Score}");
        if (!await db.RunAnswers.AnyAsync(a => a.Id == review.AnswerId && a.RunId == runId, cancellationToken))
            errors.Add("answerId", $"there is no answer {review.AnswerId} in run {runId}");
        if (errors.Count > 0) return errors.ToDictionary();

        for (int attempt = 0; ; attempt++)
        {
            var existing = await db.ReviewScores.SingleOrDefaultAsync(r => r.AnswerId == review.AnswerId && r.Item == review.Item && r.ReviewerId == reviewerId, cancellationToken);
            if (existing is null)
                db.ReviewScores.Add(new ReviewScore { RunId = runId, AnswerId = review.AnswerId, Item = review.Item, ReviewerId = reviewerId, Score = review.Score, CreatedAt = now });
            else
            {
                existing.Score = review.Score;
                existing.CreatedAt = now;
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return FieldErrors.None;
            }
            catch (DbUpdateException) when (attempt == 0 && existing is null)
            {
                // The same reviewer's other request inserted the row first (double click): replace it instead.
                db.ChangeTracker.Clear();
            }
        }
    }
}
