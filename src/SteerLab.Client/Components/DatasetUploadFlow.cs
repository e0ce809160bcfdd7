using SteerLab.Shared.Datasets;

namespace SteerLab.Client.Components;

public enum DatasetUploadStage
{
    /// <summary>Nothing chosen yet, or the last choice was refused or cancelled.</summary>
    NoFile,
    /// <summary>The file is coming from the browser.</summary>
    Reading,
    /// <summary>The server is checking it; nothing is saved.</summary>
    Checking,
    /// <summary>Checked: the report (and, when valid, a preview) is ready.</summary>
    Checked,
    Saving,
    Saved,
}

/// <summary>The steps of uploading a dataset from a page, apart from how they look: read the chosen file (refused
/// before reading when it is over the limit), have the server check it without saving, show the report and the first
/// pairs, then save it under the name and description the user gives. Every failure ends in <see cref="Error"/>, never
/// thrown at the page; a step in progress can be cancelled.</summary>
public sealed class DatasetUploadFlow(IDatasetService datasets)
{
    byte[]? content;
    CancellationTokenSource? running;

    /// <summary>Raised whenever <see cref="Stage"/> or the results change, so the page can redraw between steps.</summary>
    public event Action? Changed;

    public DatasetUploadStage Stage { get; private set; }
    public string? FileName { get; private set; }
    public DatasetValidationResult? Report { get; private set; }
    /// <summary>What the last save did (the dataset saved, or the one that already held the same pairs).</summary>
    public DatasetSaveResult? Saved { get; private set; }
    public string? Error { get; private set; }

    public string Name { get; set; } = "";
    public string Description { get; set; } = "";

    public DatasetUploadLimits Limits => datasets.Limits;
    public bool IsBusy => Stage is DatasetUploadStage.Reading or DatasetUploadStage.Checking or DatasetUploadStage.Saving;
    public string? NameProblem => DatasetTexts.NameProblem(Name);
    public string? DescriptionProblem => DatasetTexts.DescriptionProblem(Description);

    /// <summary>A checked, valid file whose pairs are not saved yet, with an acceptable name and description.</summary>
    public bool CanSave => Stage == DatasetUploadStage.Checked && Report is { IsValid: true, Existing: null }
        && NameProblem is null && DescriptionProblem is null;

    /// <summary>Reads a chosen file and has it checked. <paramref name="openRead"/> opens the file with the most bytes
    /// it may deliver (for a browser file: <c>file.OpenReadStream(max, token)</c>).</summary>
    public async Task ChooseAsync(string fileName, long size, Func<long, CancellationToken, Stream> openRead)
    {
        Reset();
        FileName = fileName;
        long max = datasets.Limits.MaxBytes;
        if (size > max)
        {
            Fail($"{fileName} has {DatasetLabels.Size(size)}; the largest dataset accepted is {DatasetLabels.Size(max)}.");
            return;
        }
        var cancellation = Begin(DatasetUploadStage.Reading);
        try
        {
            using var buffer = new MemoryStream();
            await using (var stream = openRead(max, cancellation))
                await stream.CopyToAsync(buffer, cancellation);
            content = buffer.ToArray();

            Move(DatasetUploadStage.Checking);
            Report = await datasets.ValidateAsync(new MemoryStream(content, writable: false), fileName, cancellation);
            Name = Path.GetFileNameWithoutExtension(fileName);
            Move(DatasetUploadStage.Checked);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Reset();
        }
        catch (Exception ex)
        {
            content = null;
            Fail($"Could not check {fileName}: {ex.Message}");
        }
        finally { End(); }
    }

    /// <summary>Saves the checked file under <see cref="Name"/> and <see cref="Description"/>.</summary>
    public async Task SaveAsync()
    {
        if (!CanSave || content is null) return;
        var cancellation = Begin(DatasetUploadStage.Saving);
        try
        {
            var result = await datasets.SaveAsync(new MemoryStream(content, writable: false), FileName!, Name, Description, cancellation);
            Report = result.Report;
            if (result.Outcome == DatasetSaveOutcome.Invalid)
            {
                Move(DatasetUploadStage.Checked); // the report says why
                return;
            }
            Saved = result;
            content = null;
            Move(DatasetUploadStage.Saved);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Move(DatasetUploadStage.Checked);
        }
        catch (Exception ex)
        {
            Error = $"Could not save {FileName}: {ex.Message}";
            Move(DatasetUploadStage.Checked);
        }
        finally { End(); }
    }

    /// <summary>Stops the step in progress (reading, checking or saving); a save that the server already finished
    /// stays saved.</summary>
    public void Cancel() => running?.Cancel();

    /// <summary>Forgets the file and everything found about it.</summary>
    public void Reset()
    {
        content = null;
        FileName = null;
        Report = null;
        Saved = null;
        Error = null;
        Name = "";
        Description = "";
        Move(DatasetUploadStage.NoFile);
    }

    CancellationToken Begin(DatasetUploadStage stage)
    {
        Error = null;
        running = new CancellationTokenSource();
        Move(stage);
        return running.Token;
    }

    void End()
    {
        running?.Dispose();
        running = null;
    }

    void Fail(string message)
    {
        Error = message;
        Move(DatasetUploadStage.NoFile);
    }

    void Move(DatasetUploadStage stage)
    {
        Stage = stage;
        Changed?.Invoke();
    }
}
