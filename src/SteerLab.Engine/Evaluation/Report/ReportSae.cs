using SteerLab.Engine.Sae;
using SteerLab.Engine.Sae.Training;
using SteerLab.Engine.Steering;

namespace SteerLab.Engine.Evaluation.Report;

/// <summary>An SAE the report builds SAS vectors in: one given on the command line (<see cref="Training"/> read from
/// its training_report.json when it has one) or one trained for the width-scaling section. <see cref="Reference"/>'s
/// Id is <see cref="Label"/>, unique within a run, so steering plans find this SAE again.</summary>
public sealed class ReportSae : IDisposable
{
    public required string Label { get; init; }
    public required string Folder { get; init; }
    public required SparseAutoencoder Sae { get; init; }
    public required string Sha256 { get; init; }
    public required bool TrainedForReport { get; init; }
    /// <summary>A report-trained SAE loaded from the cache (trained by an earlier run with the same settings).</summary>
    public bool FromCache { get; init; }
    public SaeTrainingReport? Training { get; init; }

    public int Width => Sae.DSae;
    public SaeReference Reference => new(Sae.Config.ModelName ?? Sae.Config.Source, Label, Sae.DSae, Sha256);

    /// <summary>Loads an SAE folder and checks it fits the model.</summary>
    public static ReportSae Load(string folder, string label, int dModel, int layerCount, bool trainedForReport, bool fromCache = false)
    {
        var sae = SaeLoader.Load(folder, dModel, layerCount);
        try
        {
            string reportPath = Path.Combine(folder, SaeTrainingResult.ReportFileName);
            SaeTrainingReport? training = null;
            if (File.Exists(reportPath))
            {
                try { training = System.Text.Json.JsonSerializer.Deserialize<SaeTrainingReport>(File.ReadAllText(reportPath), SaeTrainingReport.JsonOptions); }
                catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{reportPath}: not an SAE training report ({e.Message})", e); }
            }
            return new ReportSae { Label = label, Folder = folder, Sae = sae, Sha256 = SaeLoader.Sha256(folder), TrainedForReport = trainedForReport, FromCache = fromCache, Training = training };
        }
        catch
        {
            sae.Dispose();
            throw;
        }
    }

    public void Dispose() => Sae.Dispose();
}
