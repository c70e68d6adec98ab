# Shared by every RMS lab script (inserted after its param block): decode the parameters, stop
# on any error, log each step to C:\ProgramData\Labs\rms-lab.log, wait for conditions in
# bounded retry loops. Restarts are not done here: the deployment restarts the VM from outside.
$ErrorActionPreference = "Stop"
# Every parameter the deployment passes arrives base64-encoded (UTF-8), so values with spaces,
# quotes or `;` survive Run Command's command line; defaults of unpassed parameters stay as they are.
foreach ($name in @($PSBoundParameters.Keys)) {
    Set-Variable -Scope Script -Name $name -Value ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([string]$PSBoundParameters[$name])))
}
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

function New-LabCredential([string] $User, [string] $Password) {
    return (New-Object System.Management.Automation.PSCredential($User, (ConvertTo-LabSecureString $Password)))
}

# Marks a step done when Windows cannot tell yet (a promotion or join takes effect at the next restart).
function Test-LabMarker([string] $Name) { return (Test-Path (Join-Path $LabDir $Name)) }
function Set-LabMarker([string] $Name) { Set-Content -Path (Join-Path $LabDir $Name) -Value ((Get-Date).ToUniversalTime().ToString("o")) }
