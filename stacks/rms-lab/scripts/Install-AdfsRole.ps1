<#
.SYNOPSIS
    Installs the AD FS role. The farm itself needs the service's TLS certificate and name,
    chosen when you federate the tenant; the README walks through Install-AdfsFarm.
#>
param()
# @include common.ps1

Invoke-LabStep "install-adfs" {
    Install-LabFeature @("ADFS-Federation")
}
