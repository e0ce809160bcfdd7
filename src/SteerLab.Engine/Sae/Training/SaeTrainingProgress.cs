namespace SteerLab.Engine.Sae.Training;

/// <summary>A progress report from the training loop (every <see cref="SaeTrainingOptions.ProgressEvery"/> steps and on
/// the last step). Loss, L0 and FVU are of the current mini-batch; the dead fraction is over the whole run so far.</summary>
public sealed record SaeTrainingProgress(int Step, int TotalSteps, double Loss, double L0, double BatchFvu, double DeadFraction, double LearningRate);
