<#
.SYNOPSIS
    Prepares the Entra Connect server: TLS 1.2 for .NET and SCHANNEL (Entra Connect requires it),
    and a folder with what to do next. The installer itself is only downloadable from the Entra
    admin center, signed in, so installing it stays a manual step (README "Entra Connect").
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName
)
# @include common.ps1

function Set-LabRegistryValue([string] $Path, [string] $Name, [int] $Value) {
    if (-not (Test-Path $Path)) { New-Item -Path $Path -Force | Out-Null }
    if ((Get-ItemProperty -Path $Path -Name $Name -ErrorAction SilentlyContinue).$Name -ne $Value) {
        New-ItemProperty -Path $Path -Name $Name -Value $Value -PropertyType DWord -Force | Out-Null
        Write-LabLog "$Path\$Name = $Value"
    }
}

Invoke-LabStep "prepare-entra-connect" {
    foreach ($net in @("HKLM:\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319", "HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319")) {
        Set-LabRegistryValue $net "SystemDefaultTlsVersions" 1
        Set-LabRegistryValue $net "SchUseStrongCrypto" 1
    }
    foreach ($side in @("Server", "Client")) {
        $path = "HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\$side"
        Set-LabRegistryValue $path "Enabled" 1
        Set-LabRegistryValue $path "DisabledByDefault" 0
    }
    $folder = "C:\EntraConnect"
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    Set-Content -Path (Join-Path $folder "README.txt") -Value @(
        "Entra Connect for $DomainName",
        "1. Sign in to https://entra.microsoft.com as a Hybrid Identity Administrator.",
        "2. Identity > Hybrid management > Microsoft Entra Connect > Connect Sync > Download Microsoft Entra Connect.",
        "3. Copy AzureADConnect.msi here and run it; choose Express settings or Customize (password hash sync or federation with the lab's AD FS).",
        "TLS 1.2 is already enabled on this server."
    )
    Write-LabLog "ready for the Entra Connect installer: see $folder\README.txt"
}
