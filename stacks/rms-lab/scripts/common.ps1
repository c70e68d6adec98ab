# Shared by every RMS lab script (inserted after its param block): stop on any error, log each
# step to C:\ProgramData\Labs\rms-lab.log, wait for restarts and conditions without bare sleeps.
$ErrorActionPreference = "Stop"
$ProgressPreference = "SilentlyContinue"
$LabDir = Join-Path $env:ProgramData "Labs"
New-Item -ItemType Directory -Force -Path $LabDir | Out-Null
$script:LabStep = "start"

function Write-LabLog([string] $Message) {
    $line = "{0:yyyy-MM-dd HH:mm:ss} [{1}] {2}" -f (Get-Date), $script:LabStep, $Message
    Add-Content -Path (Join-Path $LabDir "rms-lab.log") -Value $line
    Write-Output $line
}

# Runs one named step; any failure is logged and fails the Run Command (and so `pulumi up`) with its message.
function Invoke-LabStep([string] $Name, [scriptblock] $Body) {
    $script:LabStep = $Name
    try {
        & $Body
        Write-LabLog "step finished"
    } catch {
        Write-LabLog "FAILED: $($_.Exception.Message)"
        throw "$Name failed on $($env:COMPUTERNAME): $($_.Exception.Message) (log: $LabDir\rms-lab.log)"
    }
}

# Restarts the machine shortly after this script reports success, and remembers having asked.
function Request-LabRestart([string] $Why) {
    Set-Content -Path (Join-Path $LabDir "restart-requested") -Value ((Get-Date).ToUniversalTime().ToString("o"))
    Write-LabLog "restarting in 15 seconds: $Why"
    shutdown.exe /r /t 15 /c "lab provisioning: $Why" | Out-Null
}

# A step that follows a restart request waits for that restart; if the restart interrupts it,
# the VM agent runs it again afterwards (every step is safe to run again).
function Wait-LabRestart {
    $marker = Join-Path $LabDir "restart-requested"
    if (-not (Test-Path $marker)) { return }
    $requested = [datetime]::Parse((Get-Content $marker -Raw).Trim()).ToUniversalTime()
    $booted = (Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime()
    if ($booted -gt $requested) { return }
    Write-LabLog "waiting for the restart requested at $requested"
    Start-Sleep -Seconds 300
    throw "the restart requested at $requested did not happen within 5 minutes"
}

# Retries a test with growing pauses until it passes or the time is up.
function Wait-LabCondition([string] $What, [scriptblock] $Test, [int] $TimeoutMinutes = 30) {
    $deadline = (Get-Date).AddMinutes($TimeoutMinutes)
    $attempt = 0
    $last = "not tried"
    while ($true) {
        $attempt++
        try {
            if (& $Test) { Write-LabLog "$What (attempt $attempt)"; return }
            $last = "the test returned false"
        } catch {
            $last = $_.Exception.Message
        }
        if ((Get-Date) -gt $deadline) { throw "gave up after $TimeoutMinutes minutes waiting until $What; last error: $last" }
        Start-Sleep -Seconds ([Math]::Min(60, 5 * $attempt))
    }
}

function Install-LabFeature([string[]] $Names) {
    $missing = @($Names | Where-Object { -not (Get-WindowsFeature -Name $_).Installed })
    if ($missing.Count -eq 0) { Write-LabLog "features already installed: $($Names -join ', ')"; return }
    Write-LabLog "installing features: $($missing -join ', ')"
    $result = Install-WindowsFeature -Name $missing -IncludeManagementTools
    if (-not $result.Success) { throw "installing $($missing -join ', ') failed (exit code $($result.ExitCode))" }
}

function ConvertTo-LabSecureString([string] $Text) {
    return (ConvertTo-SecureString -String $Text -AsPlainText -Force)
}
