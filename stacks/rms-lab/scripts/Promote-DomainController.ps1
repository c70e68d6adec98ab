<#
.SYNOPSIS
    Creates the lab's Active Directory forest on this server: AD DS and DNS, then promotion.
    Runs once; on a domain controller, or one waiting for its restart, it changes nothing. The
    deployment restarts the server afterwards (from outside: a script cannot restart its own VM).
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName,
    [Parameter(Mandatory = $true)] [string] $NetbiosName,
    # Protected parameter: never in the Run Command's plain settings.
    [Parameter(Mandatory = $true)] [string] $SafeModePassword
)
# @include common.ps1

Invoke-LabStep "promote-dc" {
    if ((Get-CimInstance Win32_ComputerSystem).DomainRole -ge 4) { Write-LabLog "already a domain controller of $DomainName"; return }
    if (Test-LabMarker "promoted") { Write-LabLog "already promoted; waiting for the restart"; return }
    Install-LabFeature @("AD-Domain-Services", "DNS")
    Import-Module ADDSDeployment
    Write-LabLog "creating forest $DomainName ($NetbiosName)"
    Install-ADDSForest -DomainName $DomainName -DomainNetbiosName $NetbiosName `
        -SafeModeAdministratorPassword (ConvertTo-LabSecureString $SafeModePassword) `
        -InstallDns -ForestMode WinThreshold -DomainMode WinThreshold -NoRebootOnCompletion -Force | Out-Null
    Set-LabMarker "promoted"
    Write-LabLog "promoted; the deployment restarts the server next"
}
